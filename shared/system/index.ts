export * from './explorer-page';
export * from './routes';
