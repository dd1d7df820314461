import pg from 'pg';
import { Migration } from '@mikro-orm/migrations';
import type { NamedMigration } from '@boucle/database';
import { createTestDatabase, eventually } from '../src/index.js';

class CreateThing extends Migration {
  override up(): void {
    this.addSql('CREATE TABLE thing (id integer PRIMARY KEY)');
  }
}
const migrations: NamedMigration[] = [
  { name: 'Test20261123000003CreateThing', class: CreateThing },
];

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe(createTestDatabase.name, () => {
  it('should give each caller its own migrated database, even when asked in parallel', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => createTestDatabase(migrations)));
    try {
      await query(a!.url, 'INSERT INTO thing VALUES (1)');
      expect(await query(a!.url, 'SELECT id FROM thing')).toEqual([{ id: 1 }]);
      expect(await query(b!.url, 'SELECT id FROM thing')).toEqual([]);
      expect(new Set([a!.name, b!.name, c!.name]).size).toBe(3);
    } finally {
      await Promise.all([a, b, c].map((db) => db!.drop()));
    }
  });

  it('should drop the database it made', async () => {
    const db = await createTestDatabase(migrations);
    await db.drop();
    await expect(query(db.url, 'SELECT 1')).rejects.toThrow(/does not exist/);
  });
});

describe(eventually.name, () => {
  it('should return once the assertion passes', async () => {
    let calls = 0;
    const result = await eventually(
      () => {
        calls++;
        if (calls < 3) throw new Error('not yet');
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('should rethrow the last failure at the deadline', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('never');
        },
        { timeoutMs: 50, intervalMs: 5 },
      ),
    ).rejects.toThrow('never');
  });
});
