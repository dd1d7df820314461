import { z } from 'zod';

/** Raised when the environment cannot produce a valid configuration; names each bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly { variable: string; message: string }[],
  ) {
    super(
      `${service}: invalid configuration\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Validates the environment against a schema whose keys are the variable names,
 * once, at start-up. The result is typed and frozen; nothing else reads process.env.
 */
export function loadConfig<TShape extends z.ZodRawShape>(
  service: string,
  shape: TShape,
  env: Env,
): Readonly<z.output<z.ZodObject<TShape>>> {
  const schema = z.object(shape);
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      service,
      result.error.issues.map((issue) => {
        const variable = issue.path.map(String).join('.') || '(root)';
        const missing = issue.path.length === 1 && env[variable] === undefined;
        return { variable, message: missing ? 'is required but not set' : issue.message };
      }),
    );
  }
  return Object.freeze(result.data);
}

const url = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

/** Building blocks shared by every service's schema. */
const PEM_PUBLIC_KEY = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

export const env = {
  /**
   * One or more public keys in PEM (SPKI) form, one after the other: several while a
   * key is being rotated.
   */
  publicKeys: () =>
    z
      .string()
      .transform((value) =>
        [...value.replace(/\\n/g, '\n').matchAll(PEM_PUBLIC_KEY)].map((m) => m[0]),
      )
      .refine(
        (keys) => keys.length > 0,
        'must hold at least one PEM public key (BEGIN PUBLIC KEY)',
      ),
  postgresUrl: () => url(['postgres:', 'postgresql:']),
  /** Credentials in the URL are refused: the NATS client ignores them (use NATS_USER / NATS_PASSWORD). */
  natsUrl: () =>
    url(['nats:', 'tls:']).refine((value) => {
      try {
        const parsed = new URL(value);
        return parsed.username === '' && parsed.password === '';
      } catch {
        return true;
      }
    }, 'must not carry credentials (the NATS client ignores them): set NATS_USER and NATS_PASSWORD'),
  redisUrl: () => url(['redis:', 'rediss:']),
  port: (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  nodeEnv: () => z.enum(['production', 'development', 'test']).default('development'),
  /** A prefix for every subject and stream name; empty in production, unique per test file. */
  subjectPrefix: () =>
    z
      .string()
      .regex(
        /^([a-z0-9-]+\.)?$/,
        'must be empty or lowercase letters, digits and dashes ending in a dot',
      )
      .default(''),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
};

/** The variables every service reads: where its database, broker and queue store are. */
export const serviceShape = {
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  DATABASE_URL: env.postgresUrl(),
  NATS_URL: env.natsUrl(),
  /**
   * The service's own NATS user and its password (deploy/nats); both unset against a
   * server without authorization, as in development and tests.
   */
  NATS_USER: z.string().trim().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  REDIS_URL: env.redisUrl(),
  SUBJECT_PREFIX: env.subjectPrefix(),
  /**
   * Copies JetStream keeps of each stream this service provisions (3 on a 3-node
   * cluster). Unset: existing streams keep theirs and new ones get 1, so a
   * service started without it never scales a cluster's streams down.
   */
  STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
  /**
   * Concurrent commands committed together, at most this many shared transactions open at
   * once (each command in a savepoint of its own, answered after the shared commit); 0
   * gives each command a transaction of its own.
   */
  GROUP_COMMIT_LANES: z.coerce.number().int().min(0).max(16).default(0),
  /**
   * The gateway's public keys: a request's caller is whoever an identity signed by one
   * of them says, and nothing a request body claims.
   */
  IDENTITY_PUBLIC_KEYS: env.publicKeys(),
};
