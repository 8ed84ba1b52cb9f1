export * from './change-settings';
export * from './our-network';
export * from './routes';
export * from './settings-schema';
export * from './settings-store';
export * from './settings';
