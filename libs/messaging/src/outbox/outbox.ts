import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boucle/database';
import type { z } from 'zod';
import type { Actor, EventDefinition, EventEnvelope } from '@boucle/contracts';
import { OUTBOX_TABLE } from '../migrations.js';

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

export class OutsideTransactionError extends Error {
  constructor(subject: string) {
    super(
      `event ${subject} must be recorded inside em.transactional(), so that it commits with its change`,
    );
    this.name = 'OutsideTransactionError';
  }
}

/**
 * Writes an event to the outbox inside the caller's transaction: it commits or
 * rolls back with the change it describes, and the relay publishes it only once
 * that transaction has committed. Nothing is ever published straight from a
 * request handler. A plain insert rather than a managed entity: the outbox row is
 * never read back through the ORM, and skipping the unit of work's change
 * tracking makes every command cheaper.
 */
export async function recordEvent<TDef extends EventDefinition>(
  em: EntityManager,
  def: TDef,
  data: z.input<TDef['schema']>,
  context: EventContext,
): Promise<EventEnvelope<z.output<TDef['schema']>>> {
  if (!em.isInTransaction()) throw new OutsideTransactionError(def.subject);
  const envelope = buildEnvelope(def, data, context);
  await em.execute(`INSERT INTO ${OUTBOX_TABLE} (event_id, subject, payload) VALUES (?, ?, ?)`, [
    envelope.id,
    def.subject,
    JSON.stringify(envelope),
  ]);
  return envelope;
}
