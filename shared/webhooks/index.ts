export * from './delivery';
export * from './routes';
export * from './signature';
export * from './webhook-url';
export * from './webhooks';
export * from './webhooks-store';
