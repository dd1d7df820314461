export * from './database.js';
export { MikroORM, EntityManager, EntitySchema } from '@mikro-orm/postgresql';
export { Migration } from '@mikro-orm/migrations';
export type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/postgresql';
export * from './database.module.js';
export * from './orm-client.js';
