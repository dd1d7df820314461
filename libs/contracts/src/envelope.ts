import { z } from 'zod';
import { Id, Instant } from './primitives.js';

/** The roles of the people of the cluster, and of a service acting on its own. */
export const ROLES = [
  'operator',
  'refurbisher',
  'driver',
  'firm',
  'shop',
  'beneficiary',
  'coordinator',
  'system',
] as const;
export type Role = (typeof ROLES)[number];

/** Who caused a command or an event. Pseudonymous ids only: personal data never travels. */
export const ActorSchema = z.strictObject({
  userId: z.string().min(1).max(128),
  role: z.enum(ROLES),
  organisationId: z.string().min(1).max(128).nullable(),
});
export type Actor = z.infer<typeof ActorSchema>;

export const PRODUCERS = ['inventory', 'collection', 'matching', 'gateway'] as const;
export const ProducerSchema = z.enum(PRODUCERS);
export type Producer = z.infer<typeof ProducerSchema>;

/**
 * The envelope every event travels in. `id` is also the `Nats-Msg-Id`: an event
 * republished inside the stream's duplicate window is stored once. A resend after
 * that window (a producer's relay or database down for longer) is stored again, so
 * the stream delivers **at least once**: every reader must ignore an `id` it has
 * already applied (the consumers' inbox does), or keep only the newest
 * `aggregate.version` per aggregate.
 */
export const EnvelopeSchema = z.strictObject({
  id: Id,
  type: z.string().regex(/^[a-z]+\.[a-z-]+\.[a-z-]+$/, 'must be <producer>.<aggregate>.<event>'),
  version: z.number().int().positive(),
  producer: ProducerSchema,
  occurredAt: Instant,
  correlationId: Id,
  causationId: Id.nullable(),
  actor: ActorSchema,
  /**
   * The aggregate the event is about and its version: the number of events about
   * that aggregate so far, this one included, in commit order. A consumer that
   * keeps the latest state applies an older version never after a newer one.
   * Absent only on events recorded before it existed.
   */
  aggregate: z
    .strictObject({
      type: z.string().regex(/^[a-z]+\.[a-z-]+$/, 'must be <producer>.<aggregate>'),
      id: z.string().min(1).max(200),
      version: z.number().int().positive(),
    })
    .optional(),
  data: z.unknown(),
});

export interface AggregateRef {
  /** `<producer>.<aggregate>`, e.g. `inventory.hold`. */
  type: string;
  id: string;
  version: number;
}

export interface EventEnvelope<TData = unknown> {
  id: string;
  type: string;
  version: number;
  producer: Producer;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  actor: Actor;
  aggregate?: AggregateRef;
  data: TData;
}
