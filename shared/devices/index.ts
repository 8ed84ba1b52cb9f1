export * from './device';
export * from './drivers';
export * from './host-key';
export { shellLine, shellQuote } from './shell';
export * from './ssh-transport';
