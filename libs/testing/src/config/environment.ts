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
}

export function testEnvironment(
  env: Record<string, string | undefined> = process.env,
): TestEnvironment {
  return {
    postgresUrl: env['TEST_POSTGRES_URL'] ?? 'postgres://boucle:boucle@127.0.0.1:5432/postgres',
    natsUrl: env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222',
    redisUrl: env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    natsServerBin: env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server',
  };
}
