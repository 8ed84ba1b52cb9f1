export * from './platform';
export * from './platforms';
export * from './prepare';
export * from './render';
