export * from './device';
export * from './host-key';
export * from './ssh-transport';
