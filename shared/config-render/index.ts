export * from './platform';
export * from './platforms';
export * from './policy';
export * from './prepare';
export * from './render';
