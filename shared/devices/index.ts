export * from './device';
export * from './drivers';
export * from './host-key';
export { shellLine, shellQuote } from './shell';
export * from './ssh-transport';
export { type EapiTarget, openEapiTransport } from './eapi';
export { openNetconfTransport } from './netconf/transport';
