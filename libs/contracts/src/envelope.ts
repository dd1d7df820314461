import { z } from 'zod';

/** Who caused a command or an event. Pseudonymous ids only: personal data never travels. */
export const ActorSchema = z.strictObject({
  userId: z.string().min(1).max(128),
  role: z.enum([
    'operator',
    'refurbisher',
    'driver',
    'firm',
    'shop',
    'beneficiary',
    'coordinator',
    'system',
  ]),
  organisationId: z.string().min(1).max(128).nullable(),
});
export type Actor = z.infer<typeof ActorSchema>;

export const PRODUCERS = ['inventory', 'collection', 'matching', 'gateway'] as const;
export const ProducerSchema = z.enum(PRODUCERS);
export type Producer = z.infer<typeof ProducerSchema>;

/**
 * The envelope every event travels in. `id` is also the `Nats-Msg-Id`, so a
 * republished event is stored once and applied once.
 */
export const EnvelopeSchema = z.strictObject({
  id: z.uuid(),
  type: z.string().regex(/^[a-z]+\.[a-z-]+\.[a-z-]+$/, 'must be <producer>.<aggregate>.<event>'),
  version: z.number().int().positive(),
  producer: ProducerSchema,
  occurredAt: z.iso.datetime({ offset: false }),
  correlationId: z.uuid(),
  causationId: z.uuid().nullable(),
  actor: ActorSchema,
  data: z.unknown(),
});

export interface EventEnvelope<TData = unknown> {
  id: string;
  type: string;
  version: number;
  producer: Producer;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  actor: Actor;
  data: TData;
}
