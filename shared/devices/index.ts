export * from './device';
export * from './drivers';
export { gobgpGrpcDriver } from './drivers/gobgp-grpc';
export { GOBGP_API_VERSIONS, type GobgpApiVersion } from './gobgp-api';
export * from './grpc-transport';
export * from './host-key';
export { shellLine, shellQuote } from './shell';
export * from './ssh-transport';
