export * from './device';
export * from './drivers';
export { shellLine, shellQuote } from './shell';
export * from './host-key';
export * from './ssh-transport';
