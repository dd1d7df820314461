import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import type { NamedMigration } from '@boucle/database';
import { testEnvironment } from './config/environment.js';
import { testIdentityKeys } from './identity.js';
import { connectTestNats } from './nats.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { uniqueId } from './unique.js';
import { eventually } from './eventually.js';

/** What a service under test is started with, and what it leaves behind to clean up. */
export interface TestServiceEnvironment {
  db: TestDatabase;
  /** The subject prefix of this test file, `<unique>.`; streams get its upper-case form. */
  prefix: string;
  /** The settings every service has, ready for its config loader. */
  env: {
    DATABASE_URL: string;
    NATS_URL: string;
    REDIS_URL: string;
    SUBJECT_PREFIX: string;
    QUEUE_PREFIX: string;
    LOG_LEVEL: string;
    IDENTITY_PUBLIC_KEYS: string;
  };
  /** Deletes the file's streams, its Redis keys and its database. */
  cleanup(): Promise<void>;
}

/**
 * A database from a migrated template, a subject prefix and a queue prefix of its own,
 * so that test files of any service share the machine's servers without meeting.
 */
export async function testServiceEnvironment(
  service: string,
  migrations: readonly NamedMigration[],
): Promise<TestServiceEnvironment> {
  const machine = testEnvironment();
  const db = await createTestDatabase(migrations);
  const prefix = `${uniqueId()}.`;
  const queuePrefix = `${prefix}${service}`;
  return {
    db,
    prefix,
    env: {
      DATABASE_URL: db.url,
      NATS_URL: machine.natsUrl,
      REDIS_URL: machine.redisUrl,
      SUBJECT_PREFIX: prefix,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'error',
      IDENTITY_PUBLIC_KEYS: testIdentityKeys().publicKeyPem,
    },
    async cleanup() {
      await removeTestTraces(prefix, [queuePrefix]);
      await db.drop();
    },
  };
}

/**
 * What a test's services left on the shared servers under its prefix: its streams (with
 * their consumers) and its Redis keys. Left behind, they pile up run after run.
 */
export async function removeTestTraces(prefix: string, queuePrefixes: string[]): Promise<void> {
  const machine = testEnvironment();
  const streamPrefix =
    prefix
      .slice(0, -1)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '_') + '_';
  const nc = await connectTestNats();
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(streamPrefix)) await jsm.streams.delete(name).catch(() => undefined);
    }
  } finally {
    await nc.close();
  }
  const redis = new Redis(machine.redisUrl);
  try {
    for (const queuePrefix of queuePrefixes) {
      const keys = await redis.keys(`${queuePrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

/**
 * A started service's readiness report, once `/health/ready` answers 200: its consumers
 * start pulling just after it listens, sooner or later on a busy machine. Past the
 * deadline, fails with the last status and report.
 */
export async function readyReport(baseUrl: string): Promise<unknown> {
  return eventually(async () => {
    const response = await fetch(`${baseUrl}/health/ready`);
    const report: unknown = await response.json();
    if (response.status !== 200)
      throw new Error(
        `${baseUrl}/health/ready answered ${response.status}: ${JSON.stringify(report)}`,
      );
    return report;
  });
}
