import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the tests find PostgreSQL, NATS and Redis. Defaults are this machine's
 * local services; the global setup may point these at containers instead.
 */
export interface TestEnvironment {
  /** A role allowed to create databases, connected to its maintenance database. */
  postgresUrl: string;
  natsUrl: string;
  redisUrl: string;
  /** The nats-server binary fault tests start privately. */
  natsServerBin: string;
  /**
   * The directory of initdb and postgres, for the servers fault tests start
   * privately; empty means "find them on PATH".
   */
  postgresBinDir: string;
  /** Which Jest worker runs this file (1, 2, …; 1 outside Jest): whose block of ports it takes. */
  workerId: number;
}

export function testEnvironment(
  env: Record<string, string | undefined> = process.env,
): TestEnvironment {
  return {
    postgresUrl: env['TEST_POSTGRES_URL'] ?? 'postgres://boucle:boucle@127.0.0.1:5432/postgres',
    natsUrl: env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222',
    redisUrl: env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    natsServerBin: env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server',
    postgresBinDir: env['POSTGRES_BIN_DIR'] ?? newestDebianPostgresBinDir(),
    workerId: Number(env['JEST_WORKER_ID'] ?? 1),
  };
}

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin, off PATH. */
function newestDebianPostgresBinDir(root = '/usr/lib/postgresql'): string {
  let majors: number[];
  try {
    majors = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return '';
  }
  if (majors.length === 0) return '';
  return path.join(root, String(Math.max(...majors)), 'bin');
}
