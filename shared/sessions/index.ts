export * from './config-revisions-store';
export * from './is-peer';
export * from './password-limits';
export * from './router-dependents';
export * from './routes';
export * from './session-config';
export * from './sessions';
export * from './sessions-store';
