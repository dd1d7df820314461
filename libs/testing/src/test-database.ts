import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  MikroORM,
  ormOptions,
  withDatabase,
  type DatabaseOptions,
  type NamedMigration,
} from '@boucle/database';
import { testEnvironment } from './config/environment.js';
import { uniqueId } from './unique.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, copied from a template that holds the
 * given migrations already applied. The template is built once per set of
 * migrations (its name hashes their names and code), under an advisory lock so
 * parallel test files build it only once.
 */
export async function createTestDatabase(
  migrations: readonly NamedMigration[],
): Promise<TestDatabase> {
  const adminUrl = testEnvironment().postgresUrl;
  const template = `tpl_${fingerprint(migrations)}`;
  const name = `test_${uniqueId()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) await buildTemplate(admin, adminUrl, template, migrations);
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  return {
    name,
    url,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Opens an ORM on a test database (migrations are already in the template). */
export async function openTestOrm(
  url: string,
  options: Omit<DatabaseOptions, 'url' | 'migrations'> & { migrations?: readonly NamedMigration[] },
): Promise<MikroORM> {
  return MikroORM.init(ormOptions({ ...options, url, migrations: options.migrations ?? [] }));
}

async function buildTemplate(
  admin: pg.Client,
  adminUrl: string,
  template: string,
  migrations: readonly NamedMigration[],
): Promise<void> {
  const building = `${template}_building`;
  await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${building}"`);
  const orm = await MikroORM.init(
    ormOptions({ url: withDatabase(adminUrl, building), entities: [], migrations }),
  );
  try {
    await orm.migrator.up();
  } finally {
    await orm.close(true);
  }
  // Renamed only once complete, so a half-built template is never copied.
  await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
}

function fingerprint(migrations: readonly NamedMigration[]): string {
  const hash = createHash('sha256');
  for (const m of migrations)
    hash.update(m.name).update('\0').update(m.class.toString()).update('\0');
  return hash.digest('hex').slice(0, 16);
}
