export * from './routes';
export * from './users-store';
export * from './users';
