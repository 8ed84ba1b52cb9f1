export * from './routers-store';
export * from './routers';
export * from './routes';
export * from './schemas';
export * from './migrations';
