export * from './dependencies';
export * from './emails-routes';
export * from './request-answers';
export * from './routes';
export * from './send-email';
export * from './send-request';
export * from './templates-routes';
export * from './templates';
