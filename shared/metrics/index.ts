export * from './router-metrics';
