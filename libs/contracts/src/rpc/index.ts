export * from './errors.js';
export * from './inventory.js';
export * from './collection.js';
export * from './matching.js';
