import { z } from 'zod';
import { ConfigError, env, loadConfig, serviceShape } from '@boucle/config';

const PRIVATE_KEY = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/;

const shape = {
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  HTTP_PORT: env.port(3000),
  NATS_URL: env.natsUrl(),
  /** The gateway's own NATS user, allowed to send requests to the services and nothing else. */
  NATS_USER: serviceShape.NATS_USER,
  NATS_PASSWORD: serviceShape.NATS_PASSWORD,
  SUBJECT_PREFIX: env.subjectPrefix(),
  /** Who issues people's tokens (the OIDC provider), and for which audience. */
  AUTH_ISSUER: z.string().min(1),
  AUTH_AUDIENCE: z.string().min(1),
  /** The provider's keys: its JWKS URL, or its public keys in PEM. */
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_PUBLIC_KEYS: env.publicKeys().optional(),
  /** How far the provider's clock and ours may disagree. */
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** The claims that say a person's role and organisation. */
  AUTH_ROLE_CLAIM: z.string().min(1).default('boucle_role'),
  AUTH_ORGANISATION_CLAIM: z.string().min(1).default('boucle_org'),
  /** The gateway's key, which signs who is calling for the services (PEM, PKCS #8). */
  IDENTITY_PRIVATE_KEY: z
    .string()
    .transform((value) => PRIVATE_KEY.exec(value.replace(/\\n/g, '\n'))?.[0] ?? '')
    .refine((key) => key !== '', 'must be a PEM private key (BEGIN PRIVATE KEY)'),
  /** How long a request waits for a service's answer. */
  REQUEST_TIMEOUT_MS: env.positiveInt(10_000),
  /**
   * How long `POST /v1/reservations` waits for inventory's answer before it says 202 (the
   * reservation still asked) instead of 201; 0 answers at once.
   */
  RESERVATION_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(3_000),
  /** `/v1/events`: a comment this often keeps proxies from closing a quiet stream. */
  EVENTS_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(120).default(15),
  /** The latest events kept in memory, for a client that comes back with Last-Event-ID. */
  EVENTS_REPLAY_EVENTS: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  /** What may wait unsent for one client; a client that reads slower is dropped. */
  EVENTS_CLIENT_BUFFER_BYTES: z.coerce.number().int().min(1_024).default(1_048_576),
  /** Streams one person may hold open on one gateway at a time. */
  EVENTS_STREAMS_PER_PERSON: z.coerce.number().int().min(1).max(1_000).default(10),
  /** Streams one gateway holds at most (sockets, timers, buffers); past it, 503 and another replica. */
  EVENTS_STREAMS_PER_GATEWAY: z.coerce.number().int().min(1).default(10_000),
  /** Where rate limits are counted, shared by every gateway replica. */
  REDIS_URL: env.redisUrl(),
  /** Requests a minute per person, and per address before the person is known (0: no limit). */
  RATE_LIMIT_PERSON_PER_MINUTE: z.coerce.number().int().min(0).default(1_200),
  RATE_LIMIT_ADDRESS_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  /**
   * Which proxies in front to believe about the caller's address (Express's `trust proxy`:
   * `false`, a hop count, or addresses and subnets); otherwise every person behind a load
   * balancer would share its one address.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    // Believing every proxy lets anyone choose the address their requests are counted under.
    .refine((value) => value !== 'true', 'name the proxies (a hop count or addresses), not "true"'),
  /** The web console's origins, comma-separated: the only pages a browser lets call the API. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    )
    .pipe(z.array(z.url())),
  /**
   * The console's sign-in with an OIDC provider (authorization code with PKCE), given to
   * it at run time by `/console/config.json`: the provider's issuer and the console's
   * public client there. Without them the console takes pasted tokens only.
   */
  CONSOLE_OIDC_ISSUER: z
    .url()
    .refine((value) => /^https?:/.test(value), 'must be an http(s) URL')
    .optional(),
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** What the console asks for; offline_access lets it renew the token without a page. */
  CONSOLE_OIDC_SCOPE: z
    .string()
    .regex(
      /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/,
      'must be scopes separated by single spaces',
    )
    .refine((value) => value.split(' ').includes('openid'), 'must include openid')
    .default('openid profile offline_access'),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/** The only place the gateway reads its environment. */
export function loadGatewayConfig(environment: Record<string, string | undefined> = process.env) {
  const config = loadConfig('gateway', shape, environment);
  if (!config.AUTH_JWKS_URL && !config.AUTH_PUBLIC_KEYS) {
    throw new ConfigError('gateway', [
      {
        variable: 'AUTH_JWKS_URL',
        message: 'or AUTH_PUBLIC_KEYS must say where the token keys are',
      },
    ]);
  }
  // Half a sign-in configuration is a mistake, not a choice.
  if (Boolean(config.CONSOLE_OIDC_ISSUER) !== Boolean(config.CONSOLE_OIDC_CLIENT_ID)) {
    throw new ConfigError('gateway', [
      config.CONSOLE_OIDC_ISSUER
        ? { variable: 'CONSOLE_OIDC_CLIENT_ID', message: 'is required with CONSOLE_OIDC_ISSUER' }
        : { variable: 'CONSOLE_OIDC_ISSUER', message: 'is required with CONSOLE_OIDC_CLIENT_ID' },
    ]);
  }
  return config;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
