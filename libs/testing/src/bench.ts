import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/**
 * The raw PostgreSQL rate every benchmark reports its ratio against: one-row
 * `BEGIN; INSERT; COMMIT` transactions from `pg`, pool of 16, on an ordinary
 * logged table, for `seconds`.
 */
export async function rawPostgresTxPerSec(
  url: string,
  seconds: number,
  pool = 16,
): Promise<number> {
  const clients = new pg.Pool({ connectionString: url, max: pool });
  const table = `bench_raw_${randomBytes(4).toString('hex')}`;
  await clients.query(
    `CREATE TABLE ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload text NOT NULL)`,
  );
  const payload = randomBytes(64).toString('hex');
  let count = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: pool }, async () => {
      const client = await clients.connect();
      try {
        while (performance.now() < deadline) {
          await client.query('BEGIN');
          await client.query(`INSERT INTO ${table} (payload) VALUES ($1)`, [payload]);
          await client.query('COMMIT');
          count++;
        }
      } finally {
        client.release();
      }
    }),
  );
  const rate = count / ((performance.now() - start) / 1000);
  await clients.query(`DROP TABLE ${table}`);
  await clients.end();
  return rate;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Prints a two-column table, then the figures as one JSON line (the last line of the output). */
export function report(
  title: string,
  rows: [string, string][],
  figures: Record<string, unknown>,
): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log(JSON.stringify(figures));
}
