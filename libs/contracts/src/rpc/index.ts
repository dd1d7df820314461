export * from './errors.js';
export * from './inventory.js';
