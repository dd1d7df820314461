import pg from 'pg';
import { Migration } from '@mikro-orm/migrations';
import { randomBytes } from 'node:crypto';
import {
  AbortedTransactionError,
  ensureDatabaseExists,
  openDatabase,
  type MikroORM,
  withDatabase,
  type NamedMigration,
} from '../src/index.js';

// The shared test helpers build on this library, so its own tests read the server directly.
const admin =
  process.env['TEST_POSTGRES_URL'] ?? 'postgres://boucle:boucle@127.0.0.1:5432/postgres';
const uniqueId = () => `db${randomBytes(6).toString('hex')}`;

class CreateSite extends Migration {
  override up(): void {
    this.addSql('CREATE TABLE site (id uuid PRIMARY KEY, name text NOT NULL)');
  }
}
class AddSiteKind extends Migration {
  override up(): void {
    this.addSql("ALTER TABLE site ADD COLUMN kind text NOT NULL DEFAULT 'reuse-village'");
  }
}

const migrations: NamedMigration[] = [
  { name: 'Test20261123000001CreateSite', class: CreateSite },
  { name: 'Test20261123000002AddSiteKind', class: AddSiteKind },
];

describe(openDatabase.name, () => {
  const name = `test_${uniqueId()}`;
  const url = withDatabase(admin, name);

  afterAll(async () => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });

  it('should create a missing database and apply every migration at start, then none the second time', async () => {
    const first = await openDatabase({ url, entities: [], migrations });
    const columns = await first.em
      .fork()
      .execute<{ column_name: string }[]>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'site' ORDER BY column_name",
      );
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'kind', 'name']);
    await first.close();

    const second = await openDatabase({ url, entities: [], migrations });
    const applied = await second.em
      .fork()
      .execute<{ name: string }[]>('SELECT name FROM mikro_orm_migrations');
    expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
    await second.close();
  });

  it('should survive replicas creating the same database at once', async () => {
    const racing = withDatabase(admin, `test_${uniqueId()}`);
    await Promise.all([
      ensureDatabaseExists(racing),
      ensureDatabaseExists(racing),
      ensureDatabaseExists(racing),
    ]);
    const client = new pg.Client({ connectionString: racing });
    await client.connect();
    await client.end();
    const cleanup = new pg.Client({ connectionString: admin });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE "${new URL(racing).pathname.slice(1)}" WITH (FORCE)`);
    await cleanup.end();
  });

  it('should migrate once when replicas start together on a new database', async () => {
    const fresh = withDatabase(admin, `test_${uniqueId()}`);
    // Many migrations make the window wide: each replica would run them all at once.
    const many: NamedMigration[] = Array.from({ length: 30 }, (_, i) => ({
      name: `Test2026112300${String(i).padStart(4, '0')}Table`,
      class: class extends Migration {
        override up(): void {
          this.addSql(`CREATE TABLE t${i} (id serial PRIMARY KEY, at timestamptz DEFAULT now())`);
        }
      },
    }));

    const replicas = await Promise.allSettled(
      [1, 2, 3, 4].map(() => openDatabase({ url: fresh, entities: [], migrations: many })),
    );

    const failures = replicas.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    for (const r of replicas) if (r.status === 'fulfilled') await r.value.close();
    const cleanup = new pg.Client({ connectionString: admin });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE "${new URL(fresh).pathname.slice(1)}" WITH (FORCE)`);
    await cleanup.end();
    expect(failures).toEqual([]);
  });

  it('should refuse a database name that is not a plain identifier', async () => {
    await expect(ensureDatabaseExists(withDatabase(admin, 'bad"name'))).rejects.toThrow(
      /lowercase/,
    );
  });
});

describe('transactions on the ORM’s connections', () => {
  const name = `test_${uniqueId()}`;
  const url = withDatabase(admin, name);
  let orm: MikroORM;

  beforeAll(async () => {
    orm = await openDatabase({ url, entities: [], migrations });
  });

  afterEach(async () => {
    await orm.em.fork().execute('DELETE FROM site');
  });

  afterAll(async () => {
    await orm.close();
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });

  const sites = async () =>
    (await orm.em.fork().execute<{ name: string }[]>('SELECT name FROM site ORDER BY name')).map(
      (row) => row.name,
    );

  it('should fail at its COMMIT, which PostgreSQL answers with a rollback, and keep nothing of it', async () => {
    const work = orm.em.fork().transactional(async (em) => {
      await em.execute("INSERT INTO site (id, name) VALUES (gen_random_uuid(), 'Amiens')");
      // A second row with the first's id: refused, and the refusal caught.
      await em
        .execute("INSERT INTO site (id, name) SELECT id, 'Calais' FROM site")
        .catch(() => undefined);
      return 'done';
    });

    await expect(work).rejects.toBeInstanceOf(AbortedTransactionError);
    await expect(work).rejects.toMatchObject({ code: '25P02' });
    expect(await sites()).toEqual([]);
  });

  it('should commit a sound transaction as ever, savepoints rolled back included', async () => {
    await orm.em.fork().transactional(async (em) => {
      await em.execute("INSERT INTO site (id, name) VALUES (gen_random_uuid(), 'Amiens')");
      await em
        .transactional((inner) =>
          inner.execute("INSERT INTO site (id, name) SELECT id, 'Calais' FROM site"),
        )
        .catch(() => undefined);
    });

    expect(await sites()).toEqual(['Amiens']);
  });

  it('should keep the first statement inside its transaction: unseen before the commit, undone by a rollback', async () => {
    let seenInside: string[] = [];
    await expect(
      orm.em.fork().transactional(async (em) => {
        await em.execute('INSERT INTO site (id, name) VALUES (gen_random_uuid(), ?)', ['Amiens']);
        seenInside = await sites();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(seenInside).toEqual([]);
    expect(await sites()).toEqual([]);

    await orm.em.fork().transactional(async (em) => {
      // Several statements in one text, as a migration sends them.
      await em.execute(
        "INSERT INTO site (id, name) VALUES (gen_random_uuid(), 'Calais'); INSERT INTO site (id, name) VALUES (gen_random_uuid(), 'Laon')",
      );
      await em.execute('INSERT INTO site (id, name) VALUES (gen_random_uuid(), ?)', ['Amiens']);
    });
    expect(await sites()).toEqual(['Amiens', 'Calais', 'Laon']);
  });

  it('should undo a nested transaction alone, whether it wrote before failing or failed before writing', async () => {
    await orm.em.fork().transactional(async (em) => {
      await em.execute('INSERT INTO site (id, name) VALUES (gen_random_uuid(), ?)', ['Amiens']);
      await em
        .transactional(async (inner) => {
          await inner.execute('INSERT INTO site (id, name) VALUES (gen_random_uuid(), ?)', [
            'Lille',
          ]);
          throw new Error('refused after writing');
        })
        .catch(() => undefined);
      await em
        .transactional(() => Promise.reject(new Error('refused before writing')))
        .catch(() => undefined);
      // Nothing written at all.
      await em.transactional(() => Promise.resolve());
      await em.transactional((inner) =>
        inner.execute('INSERT INTO site (id, name) VALUES (gen_random_uuid(), ?)', ['Laon']),
      );
    });

    expect(await sites()).toEqual(['Amiens', 'Laon']);
  });
});
