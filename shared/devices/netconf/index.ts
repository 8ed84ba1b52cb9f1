export * from './framing';
export * as ops from './operations';
export * from './session';
export * from './ssh';
export * from './transport';
export * from './xml';
