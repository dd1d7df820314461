export * from './tokens.js';
export * from './redis.js';
export * from './logging.js';
export * from './metrics.js';
export * from './health.controller.js';
export * from './service.module.js';
export * from './bootstrap.js';
export * from './jobs.js';
