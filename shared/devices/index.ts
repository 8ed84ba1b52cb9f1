export * from './device';
export * from './drivers';
export { shellLine, shellQuote } from './shell';
