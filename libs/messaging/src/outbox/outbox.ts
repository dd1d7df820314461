import { randomUUID } from 'node:crypto';
import {
  AbortedTransactionError,
  type EntityManager,
  type EventSubscriber,
  type MikroORM,
  type TransactionEventArgs,
} from '@boucle/database';
import { CompiledQuery, type QueryResult } from 'kysely';
import type { z } from 'zod';
import type { Actor, EventDefinition, EventEnvelope } from '@boucle/contracts';
import { currentWorkContext } from '../context/work-context.js';
import {
  AGGREGATE_VERSION_TABLE,
  COMMAND_LOG_TABLE,
  OUTBOX_LOCAL_WAKE_SETTING,
  OUTBOX_TABLE,
} from '../migrations.js';
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
  /** `what`: "event <subject>", or a command's answer. */
  constructor(what: string) {
    super(`${what} must be recorded inside em.transactional(), so that it commits with its change`);
    this.name = 'OutsideTransactionError';
  }
}

/** An event recorded in a transaction, written to the outbox when the transaction commits. */
interface PendingEvent {
  envelope: EventEnvelope;
  subject: string;
  wokenLocally: boolean;
}

/** A command's first answer, kept in the command log (command-log.ts) as its transaction commits. */
interface PendingAnswer {
  commandId: string;
  response: string;
}

/** What a transaction writes as it commits. */
interface Pending {
  events: PendingEvent[];
  answers: PendingAnswer[];
}

/** Per transaction or savepoint (the ORM's transaction context): what it has not written yet. */
const pendingByTransaction = new WeakMap<object, Pending>();
/** Transactions and savepoints that ended, or whose writes went: nothing more is taken for them. */
const ended = new WeakSet<object>();
/** Each savepoint's enclosing transaction (or savepoint). */
const parentOf = new WeakMap<object, object>();
/** Between the two events that open a savepoint: the entity manager opening it, and where. */
const openingIn = new WeakMap<object, object>();

/** What of it there is to write, taken: it ends here for what is recorded afterwards. */
function take(transaction: object): Pending | undefined {
  const pending = pendingByTransaction.get(transaction);
  pendingByTransaction.delete(transaction);
  ended.add(transaction);
  return pending;
}

/**
 * Writes each transaction's events as it commits, all in one statement, before the COMMIT
 * goes out: in the transaction, so they commit or roll back with it. A savepoint, once
 * released, hands its events on to the transaction around it, after the events recorded
 * there before it, so that one aggregate's events are numbered in the order they were
 * recorded; one rolled back (or whose release failed, as for a savepoint in which a
 * statement failed) takes its events with it, unwritten.
 */
const writeAtCommit: EventSubscriber = {
  beforeTransactionStart(args: TransactionEventArgs) {
    // Given for a savepoint only: the transaction it opens in.
    const around = args.transaction as object | undefined;
    if (around) openingIn.set(args.em, around);
  },
  afterTransactionStart(args: TransactionEventArgs) {
    const around = openingIn.get(args.em);
    const opened = args.transaction as object | undefined;
    if (!around || !opened) return;
    openingIn.delete(args.em);
    parentOf.set(opened, around);
  },
  async beforeTransactionCommit(args: TransactionEventArgs) {
    const transaction = args.transaction as object | undefined;
    // A savepoint known to be inside a transaction waits until it is released.
    if (!transaction || parentOf.has(transaction)) return;
    // A transaction, or a savepoint opened before this was told of the ORM's transactions:
    // written before its release, so rolled back with it should the release fail (still
    // with its change, if maybe numbered before events recorded around it earlier).
    const pending = take(transaction);
    if (!pending) return;
    await writePending(transaction, pending).catch((error: unknown) => {
      // A statement of the transaction failed and its error was caught: nothing of it is
      // kept, and the caller hears so as it would have from the COMMIT (orm-client.ts).
      throw (error as { code?: unknown }).code === '25P02' ? new AbortedTransactionError() : error;
    });
  },
  afterTransactionCommit(args: TransactionEventArgs) {
    const released = args.transaction as object | undefined;
    const around = released && parentOf.get(released);
    if (!around) return;
    const pending = take(released);
    if (!pending) return;
    const outer = pendingByTransaction.get(around);
    if (!outer) return void pendingByTransaction.set(around, pending);
    outer.events.push(...pending.events);
    outer.answers.push(...pending.answers);
  },
  afterTransactionRollback(args: TransactionEventArgs) {
    const transaction = args.transaction as object | undefined;
    if (transaction) take(transaction);
  },
};

export class TransactionEndedError extends Error {
  constructor(what: string) {
    super(
      `${what} was recorded in a transaction that has already committed or rolled back: it would never be written`,
    );
    this.name = 'TransactionEndedError';
  }
}

/** What `em`'s transaction will write as it commits. */
function pendingOf(em: EntityManager, what: string): Pending {
  const transaction = em.isInTransaction() ? em.getTransactionContext<object>() : undefined;
  if (!transaction) throw new OutsideTransactionError(what);
  if (ended.has(transaction)) throw new TransactionEndedError(what);
  let pending = pendingByTransaction.get(transaction);
  if (!pending) {
    pendingByTransaction.set(transaction, (pending = { events: [], answers: [] }));
    // For an ORM nothing told of yet (trackTransactions), on the event manager of the
    // transaction's own entity manager (each transaction's is a copy): registering again is
    // a no-op.
    em.getContext(false).getEventManager().registerSubscriber(writeAtCommit);
  }
  return pending;
}

/**
 * A command's answer, kept in the command log as its transaction commits, in the statement
 * that writes the transaction's events: the row the command claimed as it began (command-log.ts).
 */
export function recordAnswerAtCommit(
  em: EntityManager,
  commandId: string,
  response: unknown,
): void {
  pendingOf(em, `the answer of command ${commandId}`).answers.push({
    commandId,
    response: JSON.stringify(response ?? null),
  });
}

/**
 * Tells the outbox of `orm`'s transactions as they open, so that the events of a savepoint
 * join those of the transaction around it. Called wherever work with events begins
 * (a service's start, commands, consumers, group commits); once per ORM is enough, and more are no-ops.
 */
export function trackTransactions(orm: MikroORM): void {
  orm.em.getEventManager().registerSubscriber(writeAtCommit);
}

/**
 * Records an event in the caller's transaction: it commits or rolls back with the change it
 * describes, and the relay publishes it only once that transaction has committed. Nothing is
 * ever published straight from a request handler. The event is checked against its contract
 * here, where the caller can still act on a refusal; its row is written as the transaction
 * commits, with every other event of the transaction in the same statement (one round trip
 * per transaction, not per event), and a plain insert rather than a managed entity: the
 * outbox row is never read back through the ORM.
 */
export async function recordEvent<TDef extends EventDefinition>(
  em: EntityManager,
  def: TDef,
  data: z.input<TDef['schema']>,
  context: EventContext,
): Promise<EventEnvelope<z.output<TDef['schema']>>> {
  const pending = pendingOf(em, `event ${def.subject}`);
  const envelope = buildEnvelope(def, data, context);
  // Whether a relay of this process will be woken at the commit is known here, in the
  // command's own scope (local-wake.ts).
  pending.events.push({ envelope, subject: def.subject, wokenLocally: wokenLocally(em) });
  return envelope;
}

/**
 * One statement for all a transaction writes as it commits: the command answers it holds,
 * and its events. For the events, each aggregate's version row is raised by the number of
 * its events (upserted in a fixed order, so that two transactions never wait on each other's
 * rows in a cycle), and the outbox rows are inserted in the order they were recorded, each
 * with the next version of its aggregate. The version rows stay locked until the transaction
 * ends, so two transactions about one aggregate take their versions (and their outbox ids)
 * in the order they commit. The setting tells the outbox's trigger whether a relay of this
 * process is woken at the commit, or a NOTIFY must tell the relays.
 */
async function writePending(transaction: object, pending: Pending): Promise<void> {
  const { events, answers } = pending;
  if (events.length === 0 && answers.length === 0) return;
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const answering =
    answers.length === 0
      ? undefined
      : `UPDATE ${COMMAND_LOG_TABLE} c SET response = x.response::jsonb
           FROM unnest(${param(answers.map((a) => a.commandId))}::uuid[],
                       ${param(answers.map((a) => a.response))}::text[]) AS x (command_id, response)
          WHERE c.command_id = x.command_id`;
  if (events.length === 0) {
    await (transaction as QueryExecutor).executeQuery(CompiledQuery.raw(answering!, params));
    return;
  }
  if (events.length === 1) return writeOne(transaction, events[0]!, answering, params);
  const e = (column: (event: PendingEvent) => string, type: string) =>
    `${param(events.map(column))}::${type}[]`;
  const { rows } = await (transaction as QueryExecutor).executeQuery<{
    event_id: string;
    version: string;
  }>(
    CompiledQuery.raw(
      `WITH ${answering ? `answered AS (${answering}),` : ''}
       e AS (
         SELECT * FROM unnest(${e((x) => x.envelope.aggregate!.type, 'text')},
                              ${e((x) => x.envelope.aggregate!.id, 'text')},
                              ${e((x) => x.envelope.id, 'uuid')},
                              ${e((x) => x.subject, 'text')},
                              ${e((x) => JSON.stringify(x.envelope), 'text')})
                  WITH ORDINALITY AS e (aggregate, aggregate_id, event_id, subject, payload, ord)),
       n AS (
         SELECT aggregate, aggregate_id, count(*) AS n FROM e GROUP BY aggregate, aggregate_id),
       v AS (
         INSERT INTO ${AGGREGATE_VERSION_TABLE} AS a (aggregate, aggregate_id, version)
         SELECT aggregate, aggregate_id, n FROM n ORDER BY aggregate, aggregate_id
         ON CONFLICT (aggregate, aggregate_id) DO UPDATE SET version = a.version + EXCLUDED.version
         RETURNING aggregate, aggregate_id, version),
       numbered AS (
         SELECT e.*, v.version - n.n
                  + row_number() OVER (PARTITION BY e.aggregate, e.aggregate_id ORDER BY e.ord)
                  AS version
           FROM e JOIN n USING (aggregate, aggregate_id) JOIN v USING (aggregate, aggregate_id))
       INSERT INTO ${OUTBOX_TABLE} (event_id, subject, aggregate, aggregate_id, aggregate_version, payload)
       SELECT event_id, subject, aggregate, aggregate_id, version,
              jsonb_set(payload::jsonb, '{aggregate,version}', to_jsonb(version))
         FROM numbered,
              set_config('${OUTBOX_LOCAL_WAKE_SETTING}',
                         ${param(events.every((x) => x.wokenLocally) ? 'on' : 'off')}, true)
        ORDER BY ord
       RETURNING event_id, aggregate_version AS version`,
      params,
    ),
  );
  // The envelopes handed back by recordEvent learn their versions.
  const versions = new Map(rows.map((row) => [row.event_id, Number(row.version)]));
  for (const { envelope } of events) envelope.aggregate!.version = versions.get(envelope.id)!;
}

/**
 * A transaction's one event (most commands record one): the same, in the simpler statement
 * of a single row, cheaper to plan than the one for many.
 */
async function writeOne(
  transaction: object,
  { envelope, subject, wokenLocally: woken }: PendingEvent,
  answering: string | undefined,
  params: unknown[],
): Promise<void> {
  const param = (value: unknown) => `$${params.push(value)}`;
  const aggregate = envelope.aggregate!;
  const { rows } = await (transaction as QueryExecutor).executeQuery<{ version: string }>(
    CompiledQuery.raw(
      `WITH ${answering ? `answered AS (${answering}),` : ''}
       v AS (
         INSERT INTO ${AGGREGATE_VERSION_TABLE} AS a (aggregate, aggregate_id, version)
         VALUES (${param(aggregate.type)}, ${param(aggregate.id)}, 1)
         ON CONFLICT (aggregate, aggregate_id) DO UPDATE SET version = a.version + 1
         RETURNING aggregate, aggregate_id, version)
       INSERT INTO ${OUTBOX_TABLE} (event_id, subject, aggregate, aggregate_id, aggregate_version, payload)
       SELECT ${param(envelope.id)}::uuid, ${param(subject)}, v.aggregate, v.aggregate_id, v.version,
              jsonb_set(${param(JSON.stringify(envelope))}::jsonb, '{aggregate,version}', to_jsonb(v.version))
         FROM v, set_config('${OUTBOX_LOCAL_WAKE_SETTING}', ${param(woken ? 'on' : 'off')}, true)
       RETURNING aggregate_version AS version`,
      params,
    ),
  );
  aggregate.version = Number(rows[0]!.version);
}

/** What of the ORM's transaction context this file uses: it runs a compiled statement. */
interface QueryExecutor {
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>>;
}
