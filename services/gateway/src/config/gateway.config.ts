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
  return config;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
