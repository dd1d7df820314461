import { z } from 'zod';
import { env, loadConfig, serviceShape } from '@boucle/config';

const shape = {
  ...serviceShape,
  HTTP_PORT: env.port(3001),
  /** Prefix of this service's BullMQ keys in Redis; tests give each file its own. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be lowercase letters, digits, dots and dashes')
    .default('inventory'),
  /** How often overdue holds are swept up, as a backstop to their own expiry jobs. */
  HOLD_SWEEP_INTERVAL_MS: env.positiveInt(60_000),
};

export type InventoryConfig = ReturnType<typeof loadInventoryConfig>;

/** The only place the inventory service reads its environment. */
export function loadInventoryConfig(environment: Record<string, string | undefined> = process.env) {
  return loadConfig('inventory', shape, environment);
}

export const INVENTORY_CONFIG = Symbol('INVENTORY_CONFIG');
