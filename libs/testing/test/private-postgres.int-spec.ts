import pg from 'pg';
import { Migration } from '@mikro-orm/migrations';
import type { NamedMigration } from '@boucle/database';
import { eventually, PrivatePostgresServer } from '../src/index.js';

class CreateParcel extends Migration {
  override up(): void {
    this.addSql('CREATE TABLE parcel (id integer PRIMARY KEY)');
  }
}
const migrations: NamedMigration[] = [
  { name: 'Test20261123000004CreateParcel', class: CreateParcel },
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

const otherActiveSessions = `SELECT pid FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()`;

describe(PrivatePostgresServer.name, () => {
  let sut: PrivatePostgresServer;

  beforeEach(async () => {
    sut = await PrivatePostgresServer.start();
  });

  afterEach(async () => {
    await sut?.dispose();
  });

  describe('createDatabase', () => {
    it('should answer queries on the migrated tables when the database is created', async () => {
      const url = await sut.createDatabase('depot', migrations);

      await query(url, 'INSERT INTO parcel VALUES (1), (2)');

      expect(url).toBe(sut.databaseUrl('depot'));
      expect(await query(url, 'SELECT id FROM parcel ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    });
  });

  describe('stop', () => {
    it('should refuse connections when stopped', async () => {
      const url = await sut.createDatabase('depot', migrations);

      await sut.stop();

      await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });
  });

  describe('restart', () => {
    it('should keep the data when restarted after a stop', async () => {
      const url = await sut.createDatabase('depot', migrations);
      await query(url, 'INSERT INTO parcel VALUES (1)');
      await sut.stop();

      await sut.restart();

      expect(await query(url, 'SELECT id FROM parcel')).toEqual([{ id: 1 }]);
    });

    it('should keep what was committed, not what was open, when restarted after a kill', async () => {
      const url = await sut.createDatabase('depot', migrations);
      await query(url, 'INSERT INTO parcel VALUES (1)');
      const open = new pg.Client({ connectionString: url });
      open.on('error', () => undefined);
      await open.connect();
      await open.query('BEGIN');
      await open.query('INSERT INTO parcel VALUES (2)');

      await sut.kill();
      await sut.restart();

      expect(await query(url, 'SELECT id FROM parcel')).toEqual([{ id: 1 }]);
      await open.end().catch(() => undefined);
    });
  });

  describe('kill', () => {
    it('should end every server process, a busy backend included, when killed', async () => {
      // A backend spinning in a query never looks whether its postmaster died, and
      // while it lives a new postmaster refuses the data directory.
      const busy = new pg.Client({ connectionString: sut.url });
      busy.on('error', () => undefined);
      await busy.connect();
      const endless = busy
        .query('DO $$ BEGIN LOOP END LOOP; END $$')
        .catch((error: unknown) => error);
      await eventually(async () =>
        expect(await query(sut.url, otherActiveSessions)).toHaveLength(1),
      );

      await sut.kill();
      await sut.restart();

      expect(await endless).toBeInstanceOf(Error);
      expect(await query(sut.url, otherActiveSessions)).toEqual([]);
      await busy.end().catch(() => undefined);
    });
  });
});
