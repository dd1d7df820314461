import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import pg from 'pg';
import { OrmClient } from './orm-client.js';

export interface NamedMigration {
  /** Stable name recorded in the migrations table; never rename once applied. */
  name: string;
  class: Constructor<Migration>;
}

export interface DatabaseOptions {
  url: string;
  entities: NonNullable<Options['entities']>;
  migrations: readonly NamedMigration[];
  poolSize?: number;
  debug?: boolean;
}

export function ormOptions(options: DatabaseOptions): Options {
  return {
    clientUrl: options.url,
    entities: options.entities,
    extensions: [Migrator],
    debug: options.debug ?? false,
    // Entities are declared explicitly; never scan folders at run time.
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: options.poolSize ?? 16 },
    // A COMMIT that rolled back throws (orm-client.ts).
    driverOptions: { Client: OrmClient },
    migrations: {
      migrationsList: options.migrations.map((m) => ({ name: m.name, class: m.class })),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    // Handlers and jobs always fork; using the global context is a bug we want loud.
    allowGlobalContext: false,
  };
}

/** Opens the service's database and applies pending migrations before anything else runs. */
export async function openDatabase(options: DatabaseOptions): Promise<MikroORM> {
  await ensureDatabaseExists(options.url);
  const orm = await MikroORM.init(ormOptions(options));
  await migrateAlone(options.url, () => orm.migrator.up());
  return orm;
}

/**
 * Replicas started together on a new database would each run the same migrations, and
 * all but one fail halfway. A session lock held on a connection of its own lets one
 * migrate while the others wait, then find nothing left to do.
 */
async function migrateAlone(url: string, migrate: () => Promise<unknown>): Promise<void> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('boucle.migrations'))`);
    await migrate();
  } finally {
    // Closing the session releases the lock, whatever happened.
    await lock.end();
  }
}

/**
 * Creates the database named in the URL when it is missing, connecting to the
 * server's `postgres` database with the same credentials. Lets a fresh machine
 * start with one command.
 */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`database name "${name}" must be lowercase letters, digits and underscores`);
  }
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Two replicas starting together: the other one created it first.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
