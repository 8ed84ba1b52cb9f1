export * from './poll-plan';
export * from './poll-runner';
export * from './poll-store';
export * from './poller';
export * from './polling';
export * from './routes';
export * from './schedule';
