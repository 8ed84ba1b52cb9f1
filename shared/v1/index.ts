export * from './invoke';
export * from './params';
export * from './routes';
export * from './shapes';
export * from './ids';
