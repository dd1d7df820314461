import { z } from 'zod';
import { ConfigError, env, loadConfig, serviceShape } from '@boucle/config';

/**
 * For development and tests only: production refuses to start without its own keys, so
 * that personal data is never sealed with a key everybody can read here.
 */
const DEVELOPMENT_KEYS = 'dev-2026:ZGV2ZWxvcG1lbnQta2V5LWZvci10ZXN0cy1vbmx5ISE=';

/**
 * `id:base64,id:base64,…`: the keys personal data is sealed with, AES-256 (32 bytes
 * each). The first seals; the others still open what they sealed, until the re-seal
 * command has moved every row to the first (see README, Keys).
 */
const personalDataKeys = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const keys: { id: string; key: Buffer }[] = [];
    for (const entry of value.split(',').map((e) => e.trim())) {
      const match = /^([a-z0-9-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(entry);
      const key = match ? Buffer.from(match[2]!, 'base64') : undefined;
      if (!match || key?.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be id:key pairs separated by commas, each id lowercase letters, digits and dashes, each key 32 bytes in base64',
        });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === match[1])) {
        ctx.addIssue({ code: 'custom', message: `key id ${match[1]} is given twice` });
        return z.NEVER;
      }
      keys.push({ id: match[1]!, key });
    }
    return keys;
  });

const shape = {
  ...serviceShape,
  HTTP_PORT: env.port(3003),
  /** Prefix of this service's BullMQ keys in Redis; tests give each file its own. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be lowercase letters, digits, dots and dashes')
    .default('matching'),
  /** How long inventory holds a good for a reservation before the hold expires. */
  RESERVATION_HOLD_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(48),
  /** In seconds, instead of hours: for trying expiry out (a hold lasts at least a minute). */
  RESERVATION_HOLD_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3_600)
    .optional(),
  /**
   * How long a reservation may wait for inventory's answer: past it, the sweep ends it
   * (`timed-out`) and a hold that comes later is let go.
   */
  RESERVATION_ANSWER_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 3_600)
    .default(900),
  /** How often the sweep looks for reservations inventory has not answered. */
  RESERVATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** The longest a reservation waits on a good's waiting list before it ends (`expired`). */
  WAITING_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  /** Against hoarding: live reservations (asked, held or confirmed) a beneficiary may have. */
  MAX_LIVE_RESERVATIONS_PER_BENEFICIARY: z.coerce.number().int().min(1).max(1_000).default(3),
  /** …and a member, for its wanted materials and for the beneficiaries it acts for. */
  MAX_LIVE_RESERVATIONS_PER_ORGANISATION: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Unset outside production: the development key. */
  PERSONAL_DATA_KEYS: personalDataKeys.optional(),
};

export type MatchingConfig = ReturnType<typeof loadMatchingConfig>;

/** The only place the matching service reads its environment. */
export function loadMatchingConfig(environment: Record<string, string | undefined> = process.env) {
  const { PERSONAL_DATA_KEYS, ...config } = loadConfig('matching', shape, environment);
  if (!PERSONAL_DATA_KEYS && config.NODE_ENV === 'production') {
    throw new ConfigError('matching', [
      {
        variable: 'PERSONAL_DATA_KEYS',
        message: 'is required in production: the keys that seal personal data',
      },
    ]);
  }
  return Object.freeze({
    ...config,
    PERSONAL_DATA_KEYS: PERSONAL_DATA_KEYS ?? personalDataKeys.parse(DEVELOPMENT_KEYS),
  });
}

export const MATCHING_CONFIG = Symbol('MATCHING_CONFIG');
