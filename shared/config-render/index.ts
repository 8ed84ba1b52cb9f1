export * from './prepare';
export * from './render';
