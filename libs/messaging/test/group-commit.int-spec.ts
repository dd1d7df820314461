import pg from 'pg';
import type { EntityManager } from '@boucle/database';
import { openTestOrm, testEnvironment } from '@boucle/testing';
import { GroupCommit } from '../src/index.js';
import { createBackbone, ParcelSchema, type Backbone } from './harness.js';

/*
 * What grouping itself could break, on a real PostgreSQL: a lock cycle between two shared
 * transactions (which only grouping made) and a shared commit that fails. In both cases
 * every caller still gets the answer it would have had alone.
 */
describe(GroupCommit.name, () => {
  let backbone: Backbone;

  beforeAll(async () => {
    backbone = await createBackbone();
    const em = backbone.orm.em.fork();
    await em.execute(`CREATE TABLE test_counter (id text PRIMARY KEY, n int NOT NULL)`);
    await em.execute(`INSERT INTO test_counter VALUES ('x', 0), ('y', 0)`);
    await em.execute(`CREATE TABLE test_entry (value text NOT NULL)`);
    // Refuses an entry only when its transaction commits: a commit that fails.
    await em.execute(`
      CREATE FUNCTION test_entry_check() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.value = 'refused at commit' THEN RAISE EXCEPTION 'refused at commit'; END IF;
        RETURN NULL;
      END $$`);
    await em.execute(`
      CREATE CONSTRAINT TRIGGER test_entry_check AFTER INSERT ON test_entry
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_entry_check()`);
  });

  afterAll(async () => {
    await backbone?.dispose();
  });

  const add = (em: EntityManager, id: string) =>
    em.execute(`UPDATE test_counter SET n = n + 1 WHERE id = ?`, [id]);
  const counters = async () =>
    Object.fromEntries(
      (
        await backbone.orm.em
          .fork()
          .execute<{ id: string; n: number }[]>(`SELECT id, n FROM test_counter ORDER BY id`)
      ).map((r) => [r.id, r.n]),
    );

  it('should run again alone, after the commit, a command caught in a lock cycle between two shared transactions', async () => {
    const groups = new GroupCommit(backbone.orm, { lanes: 2, maxOpenMs: 60_000 });
    let bothLocked!: () => void;
    const locked = new Promise<void>((resolve) => {
      let count = 0;
      bothLocked = () => {
        if (++count === 2) resolve();
      };
    });
    // Each lane's first command locks one row and waits until the other lane's holds the
    // other; each lane's second then wants the row the other lane holds: a cycle.
    const first = (id: string) => async (em: EntityManager) => {
      await add(em, id);
      bothLocked();
      await locked;
      return `${id} first`;
    };
    const second = (id: string) => async (em: EntityManager) => {
      await add(em, id);
      return `${id} second`;
    };
    const answers = await Promise.allSettled([
      groups.run(first('x')),
      groups.run(first('y')),
      groups.run(second('y')),
      groups.run(second('x')),
    ]);

    expect(answers).toEqual([
      { status: 'fulfilled', value: 'x first' },
      { status: 'fulfilled', value: 'y first' },
      { status: 'fulfilled', value: 'y second' },
      { status: 'fulfilled', value: 'x second' },
    ]);
    expect(await counters()).toEqual({ x: 2, y: 2 });
  }, 60_000);

  it('should run each command again in a transaction of its own when the shared commit fails', async () => {
    const commits: { commands: number; refused: number }[] = [];
    const groups = new GroupCommit(backbone.orm, {
      lanes: 1,
      maxOpenMs: 60_000,
      onCommit: (commit) => commits.push(commit),
    });
    const entry = (value: string) => async (em: EntityManager) => {
      await em.execute(`INSERT INTO test_entry (value) VALUES (?)`, [value]);
      return value;
    };
    // All three are queued before the lane's transaction has begun: one group.
    const answers = Promise.allSettled([
      groups.run(entry('first')),
      groups.run(entry('refused at commit')),
      groups.run(entry('third')),
    ]);

    expect(await answers).toEqual([
      { status: 'fulfilled', value: 'first' },
      {
        status: 'rejected',
        reason: expect.objectContaining({ message: expect.stringContaining('refused at commit') }),
      },
      { status: 'fulfilled', value: 'third' },
    ]);
    const kept = await backbone.orm.em
      .fork()
      .execute<{ value: string }[]>(`SELECT value FROM test_entry ORDER BY value`);
    expect(kept.map((r) => r.value)).toEqual(['first', 'third']);
    // They did share one transaction, whose commit failed: no shared commit was counted.
    expect(commits).toEqual([]);
  });

  it('should fail a command as it would alone when its transaction cannot even begin, and serve the next once the database is back', async () => {
    // An ORM of its own: its pool is the one cut off.
    const orm = await openTestOrm(backbone.db.url, { entities: [ParcelSchema] });
    const groups = new GroupCommit(orm, { lanes: 1 });
    const admin = new pg.Client({ connectionString: testEnvironment().postgresUrl });
    await admin.connect();
    const database = backbone.db.name;
    try {
      // The database away: no new connection, and the pool's own ones cut.
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`,
        [database],
      );
      const away = groups.run((em) => em.execute('SELECT 1'));
      // A bound on a hang: without it, a lane that never settles would hold the test forever.
      const settled = await Promise.race([
        away.then(
          () => 'answered',
          () => 'refused',
        ),
        new Promise((resolve) => setTimeout(() => resolve('never settled'), 30_000).unref()),
      ]);
      expect(settled).toBe('refused');
    } finally {
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await expect(
      groups.run(async (em) => (await em.execute('SELECT 1 AS one'))[0]),
    ).resolves.toEqual({
      one: 1,
    });
    const closed = await Promise.race([
      orm.close(true).then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('close hangs'), 10_000).unref()),
    ]);
    expect(closed).toBe('closed');
  }, 60_000);
});
