export * from './peer-log-store';
