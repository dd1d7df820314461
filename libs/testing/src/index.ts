export * from './config/environment.js';
export * from './unique.js';
export * from './eventually.js';
export * from './test-database.js';
export * from './nats.js';
export * from './bench.js';
