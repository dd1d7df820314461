export * from './config/environment.js';
export * from './unique.js';
export * from './eventually.js';
export * from './test-database.js';
export * from './nats.js';
export * from './nats-cluster.js';
export * from './bench.js';
export * from './postgres.js';
