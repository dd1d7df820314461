export * from './primitives.js';
export * from './envelope.js';
export * from './subjects.js';
export * from './event-definition.js';
export * from './rpc-definition.js';
export * from './events/index.js';
export * from './rpc/index.js';
export * from './asyncapi.js';
