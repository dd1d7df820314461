import { z } from 'zod';
import { env, loadConfig, serviceShape } from '@boucle/config';

const localTime = (fallback: string) =>
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a Paris local time such as "17:00"')
    .default(fallback);

const shape = {
  ...serviceShape,
  HTTP_PORT: env.port(3002),
  /** Prefix of this service's BullMQ keys in Redis; tests give each file its own. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be lowercase letters, digits, dots and dashes')
    .default('collection'),
  /** When the next day's rounds are planned, Paris time. */
  PLAN_NEXT_DAY_AT: localTime('17:00'),
  /** When a scheduled collection point's pickup is opened, Paris time on the day before. */
  SCHEDULED_PICKUPS_AT: localTime('12:00'),
  /** When the reminder of a scheduled pickup is due, Paris time on the day before. */
  REMINDER_AT: localTime('18:00'),
  /** How long after the end of its window an unrecorded stop is reported late. */
  LATE_AFTER_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
  /** Misses after which a pickup is given up. */
  MAX_MISSES: env.positiveInt(3),
  /** The first reschedule of a missed pickup waits this long; each next one twice as long. */
  RESCHEDULE_BACKOFF_HOURS: env.positiveInt(24),
  /**
   * At shutdown a job in hand gets this long to finish; after it, it is handed back to the
   * queue (as delayed, without using up an attempt), so that it is never left stalled.
   */
  WORKER_GRACE_MS: env.positiveInt(10_000),
  /** Road distances from an OSRM server when set; great circle × DETOUR_FACTOR otherwise. */
  OSRM_URL: z.string().url('must be the URL of an OSRM server such as http://osrm:5000').optional(),
  DETOUR_FACTOR: z.coerce.number().min(1).max(3).default(1.3),
  /** Average speed on the road, for travel times when there is no OSRM server. */
  AVERAGE_SPEED_KMH: z.coerce.number().min(5).max(120).default(30),
  /** The planner's time budget per day's plan. */
  PLANNER_TIME_LIMIT_MS: env.positiveInt(2_000),
};

export type CollectionConfig = ReturnType<typeof loadCollectionConfig>;

/** The only place the collection service reads its environment. */
export function loadCollectionConfig(
  environment: Record<string, string | undefined> = process.env,
) {
  return loadConfig('collection', shape, environment);
}

export const COLLECTION_CONFIG = Symbol('COLLECTION_CONFIG');
