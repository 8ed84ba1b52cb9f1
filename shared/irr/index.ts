export * from './as-set-names';
export * from './irr-lists';
export { IRR_STATUSES, type IrrStatus } from './irr-store';
export { parsePrefixEntry, type PrefixEntry } from './prefixes';
export * from './routes';
export { expandAsSets } from './expand';
export { IrrConnection } from './irr-client';
