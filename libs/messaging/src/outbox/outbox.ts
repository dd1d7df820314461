import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boucle/database';
import type { z } from 'zod';
import type { Actor, EventDefinition, EventEnvelope } from '@boucle/contracts';
import { OutboxMessage } from './outbox-message.entity.js';

/** Why an event happened: who did it and which request or event led to it. */
export interface EventContext {
  actor: Actor;
  correlationId?: string;
  causationId?: string | null;
}

export class InvalidEventError extends Error {
  constructor(
    readonly subject: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `event ${subject} does not match its contract: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
    this.name = 'InvalidEventError';
  }
}

/** Builds a complete envelope around validated data. */
export function buildEnvelope<TDef extends EventDefinition>(
  def: TDef,
  data: z.input<TDef['schema']>,
  context: EventContext,
  now: Date = new Date(),
): EventEnvelope<z.output<TDef['schema']>> {
  const parsed = def.schema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidEventError(
      def.subject,
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(data)', message: i.message })),
    );
  }
  const id = randomUUID();
  return {
    id,
    type: def.type,
    version: def.version,
    producer: def.producer,
    occurredAt: now.toISOString(),
    correlationId: context.correlationId ?? id,
    causationId: context.causationId ?? null,
    actor: context.actor,
    data: parsed.data as z.output<TDef['schema']>,
  };
}

/**
 * Queues an event in the caller's unit of work: it is inserted by the same
 * flush, in the same transaction, as the change it describes, and published by
 * the relay only once that transaction has committed. Nothing is ever published
 * straight from a request handler.
 */
export function recordEvent<TDef extends EventDefinition>(
  em: EntityManager,
  def: TDef,
  data: z.input<TDef['schema']>,
  context: EventContext,
): EventEnvelope<z.output<TDef['schema']>> {
  const envelope = buildEnvelope(def, data, context);
  const message = new OutboxMessage();
  message.eventId = envelope.id;
  message.subject = def.subject;
  message.payload = envelope;
  em.persist(message);
  return envelope;
}
