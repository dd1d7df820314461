import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boucle/database';
import type { z } from 'zod';
import type { Actor, EventDefinition, EventEnvelope } from '@boucle/contracts';
import { currentWorkContext } from '../context/work-context.js';
import { AGGREGATE_VERSION_TABLE, OUTBOX_LOCAL_WAKE_SETTING, OUTBOX_TABLE } from '../migrations.js';
import { wokenLocally } from './local-wake.js';

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

/**
 * Builds a complete envelope around validated data. Correlation and causation not
 * given come from the work under way (the request being answered, the event being
 * handled), so that one piece of work is followed across services and logs.
 */
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
  const ambient = currentWorkContext();
  const output = parsed.data as z.output<TDef['schema']>;
  return {
    id,
    type: def.type,
    version: def.version,
    producer: def.producer,
    occurredAt: now.toISOString(),
    correlationId: context.correlationId ?? ambient?.correlationId ?? id,
    causationId: context.causationId ?? ambient?.causationId ?? null,
    actor: context.actor,
    // Version 1 until the outbox hands out the real one, inside the recording transaction.
    aggregate: { type: def.aggregate, id: def.aggregateId(output), version: 1 },
    data: output,
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
  const aggregate = envelope.aggregate!;
  // One statement: the aggregate's next version and the outbox row. The upsert keeps the
  // aggregate's version row locked until this transaction ends, so two transactions about
  // one aggregate take their versions (and their outbox ids) in the order they commit.
  // The setting tells the outbox's trigger whether a relay of this process is woken at the
  // commit (local-wake.ts), or a NOTIFY must tell the relays.
  const [row] = await em.execute<{ aggregate_version: string }[]>(
    `WITH v AS (
       INSERT INTO ${AGGREGATE_VERSION_TABLE} AS a (aggregate, aggregate_id, version)
       VALUES (?, ?, 1)
       ON CONFLICT (aggregate, aggregate_id) DO UPDATE SET version = a.version + 1
       RETURNING version)
     INSERT INTO ${OUTBOX_TABLE} (event_id, subject, aggregate, aggregate_id, aggregate_version, payload)
     SELECT ?, ?, ?, ?, v.version, jsonb_set(?::jsonb, '{aggregate,version}', to_jsonb(v.version))
       FROM v, set_config('${OUTBOX_LOCAL_WAKE_SETTING}', ?, true)
     RETURNING aggregate_version`,
    [
      aggregate.type,
      aggregate.id,
      envelope.id,
      def.subject,
      aggregate.type,
      aggregate.id,
      JSON.stringify(envelope),
      wokenLocally(em) ? 'on' : 'off',
    ],
    'all',
  );
  aggregate.version = Number(row!.aggregate_version);
  return envelope;
}
