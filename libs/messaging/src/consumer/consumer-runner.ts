import { AbortedTransactionError, type EntityManager, type MikroORM } from '@boucle/database';
import { runInWorkContext } from '../context/work-context.js';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { createHash } from 'node:crypto';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { DEAD_LETTER_HEADERS, type EventDefinition, type EventEnvelope } from '@boucle/contracts';
import type { z } from 'zod';
import { backoffMs } from '../backoff.js';
import { AGGREGATE_APPLIED_TABLE, INBOX_TABLE } from '../migrations.js';
import type { Naming } from '../naming.js';
import { HandlerTimeoutError, isAbortedTransaction, isTransientError } from './transient-errors.js';
import { validateEvent } from './validate-event.js';
import { committing } from '../outbox/local-wake.js';
import { trackTransactions } from '../outbox/outbox.js';

export type EventHandlerFn<TDef extends EventDefinition> = (
  event: EventEnvelope<z.output<TDef['schema']>>,
  em: EntityManager,
) => Promise<void>;

interface Received<TDef extends EventDefinition> {
  msg: JsMsg;
  envelope: EventEnvelope<z.output<TDef['schema']>>;
}

/** How long a pull request lives on the broker (the client's minimum is 1 s). */
const PULL_EXPIRES_MS = 2_000;

/** Retries in place for a passing failure while the database answers (a conflict, a broker timeout). */
const MAX_PASSING_RETRIES = 5;

/**
 * How a transaction ended once passing outages were waited out; `culprit` is the
 * event whose handler failed, when it was a handler.
 */
type Outcome = { ok: true } | { ok: false; error: unknown; culprit?: string } | { stopped: true };

export interface ConsumerRunnerOptions<TDef extends EventDefinition> {
  /** Durable name shared by every replica of the consuming service, e.g. `matching.hold-placed`. */
  consumer: string;
  event: TDef;
  handler: EventHandlerFn<TDef>;
  orm: MikroORM;
  js: JetStreamClient;
  jsm: JetStreamManager;
  naming: Naming;
  /** Transactions this replica runs at once. */
  concurrency?: number;
  /**
   * Messages that arrive together are handled in one transaction, up to this many
   * (each handler still gets its own context). 1 gives one transaction per event.
   */
  batchSize?: number;
  /** How long a batch that is not full waits for messages arriving with it. */
  lingerMs?: number;
  /** Deliveries before a failing (or crashing, or hanging) message is dead-lettered. */
  maxDeliveries?: number;
  /** Redelivery delay after a handler failure grows from this. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** While the database or broker is away, a transaction is retried in place, at most this far apart. */
  outageRetryMaxMs?: number;
  /** How long the broker waits for an ack before redelivering (a replica that died). */
  ackWaitMs?: number;
  /**
   * A handler still running after this has failed: its transaction is rolled back
   * and each of its statements is cut off by PostgreSQL at the same bound.
   */
  handlerTimeoutMs?: number;
  /**
   * For consumers that keep the latest state of an aggregate (a read model): an
   * event older than the newest one applied for its aggregate is recorded as seen
   * and not handled. `true` guards this consumer alone; a name shares the guard
   * between the consumers that write one read model (`hold placed` and `hold
   * released` both keeping a hold's state), so none applies an event older than
   * one another has applied. Never for consumers that add up what each event says.
   */
  latestWins?: boolean | string;
  onError?: (error: unknown, context: { consumer: string; subject?: string }) => void;
  /** Observation and fault-injection points; they never change what is committed. */
  hooks?: {
    /** After the handler's transaction committed and before the ack is sent. */
    afterCommit?: (event: EventEnvelope) => void | Promise<void>;
    deadLettered?: (reason: string, msg: JsMsg) => void;
    /** The database or broker failed and pulling paused (true), or it answers again (false). */
    outage?: (paused: boolean) => void;
  };
}

/**
 * Runs one event handler on a durable pull consumer shared by all replicas.
 *
 * Each message is validated at the edge (poison goes to the dead-letter stream
 * with the reason), then handled in a fresh ORM context inside a transaction that
 * also records `(consumer, event id)` in the inbox; the ack is sent only after
 * that commit. A redelivered event finds its inbox row and has no second effect.
 *
 * Every message taken from the broker gets in-progress heartbeats until it is
 * settled, so nothing in hand is redelivered under us. Only a handler's own
 * failure uses up a delivery: when the database or the broker is away, the
 * transaction is retried in place and no new one starts until it answers.
 */
export class ConsumerRunner<TDef extends EventDefinition = EventDefinition> {
  private messages: ConsumerMessages | undefined;
  private running = false;
  private stopped = false;
  private wakeSupervisor: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Taken from the broker and not settled yet: each gets heartbeats. */
  private readonly held = new Set<JsMsg>();
  /** Taken and waiting for a transaction. */
  private waiting: JsMsg[] = [];
  /** Buffered in the client when we began to stop: handed back by stop(). */
  private handBack: JsMsg[] = [];
  private lingerTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private slotWaiters: (() => void)[] = [];
  private sleepers = new Set<() => void>();
  private outage = false;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly maxDeliveries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly outageRetryMaxMs: number;
  private readonly ackWaitMs: number;
  private readonly handlerTimeoutMs: number;
  readonly durable: string;

  constructor(private readonly options: ConsumerRunnerOptions<TDef>) {
    this.concurrency = options.concurrency ?? 4;
    this.batchSize = options.batchSize ?? 32;
    this.lingerMs = options.lingerMs ?? 1;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.outageRetryMaxMs = options.outageRetryMaxMs ?? 5_000;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    this.durable = options.naming.durable(options.consumer);
    trackTransactions(options.orm);
  }

  /** Creates or updates the durable consumer; safe to call from every replica. */
  async provision(): Promise<void> {
    const { jsm, naming, event } = this.options;
    const stream = naming.stream(event.producer);
    const config: Partial<ConsumerConfig> = {
      durable_name: this.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: naming.subject(event),
      ack_wait: nanos(this.ackWaitMs),
      // Unlimited: only this runner decides when a message is dead, so none is dropped silently.
      max_deliver: -1,
      max_ack_pending: Math.max(1_000, this.concurrency * this.batchSize * 4),
    };
    try {
      await jsm.consumers.add(stream, config);
    } catch (error) {
      // It exists with other settings (a newer release of this service changed them): apply ours.
      if (!(error instanceof JetStreamApiError && error.code === 10148)) throw error;
      await jsm.consumers.update(stream, this.durable, config);
    }
  }

  /**
   * Starts pulling. The first provisioning error is thrown to the caller; after
   * that, a consumer or stream that disappears, or a connection that closes and
   * reopens, is recovered by re-provisioning with backoff.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.stopped = false;
    const messages = await this.open();
    if (this.stopped) {
      await messages.close();
      return;
    }
    this.running = true;
    this.heartbeatTimer = setInterval(
      () => this.held.forEach((msg) => safely(() => msg.working())),
      Math.max(100, this.ackWaitMs / 3),
    );
    this.loop = this.supervise(messages);
  }

  /** The consumer's contract name, e.g. `matching.hold-placed`. */
  get consumer(): string {
    return this.options.consumer;
  }

  /** True while messages are being pulled. */
  get active(): boolean {
    return this.running && this.messages !== undefined;
  }

  /** What this replica has in hand, for health and metrics. */
  get status(): { pulling: boolean; outage: boolean; held: number; transactions: number } {
    return {
      pulling: this.active,
      outage: this.outage,
      held: this.held.size,
      transactions: this.inFlight.size,
    };
  }

  /**
   * Stops pulling, hands back what no transaction has started on, lets the
   * handlers in hand finish and ack (up to `deadlineMs`).
   */
  async stop(deadlineMs = 30_000): Promise<void> {
    this.stopped = true;
    this.running = false;
    this.wakeSupervisor?.();
    this.wakeAll();
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    // Closing first unsubscribes, so what we hand back goes to the other replicas, not to us
    // again. On a dead connection it may never resolve: hence the deadline.
    await Promise.race([this.messages?.close().catch(() => undefined), deadline]);
    const unstarted = [...this.waiting, ...this.handBack];
    this.waiting = [];
    this.handBack = [];
    if (unstarted.length > 0) {
      // Our pull requests outlive the subscription until they expire, and the client sends the
      // refills it had queued even after closing. nats-server 2.9 gives a handed-back message to
      // such a dead request and loses it until its ack wait (30 s): hand back once they expired.
      // Meanwhile the heartbeats keep these messages ours.
      await Promise.race([
        new Promise((resolve) => setTimeout(resolve, PULL_EXPIRES_MS + 1_000)),
        deadline,
      ]);
      for (const msg of unstarted) this.nak(msg);
    }
    await Promise.race([Promise.allSettled([this.loop, ...this.inFlight]), deadline]);
    clearTimeout(timer);
    clearInterval(this.heartbeatTimer);
  }

  private async open(): Promise<ConsumerMessages> {
    await this.provision();
    const consumer = await this.options.js.consumers.get(
      this.options.naming.stream(this.options.event.producer),
      this.durable,
    );
    // The client's own buffer gets no heartbeats: keep it small; what we take is ours and heartbeated.
    const messages = await consumer.consume({
      max_messages: Math.min(256, Math.max(16, this.batchSize)),
      // Short-lived pull requests: at stop, what we hand back waits for them to expire.
      expires: PULL_EXPIRES_MS,
      // A deleted consumer or stream ends the iteration instead of waiting forever; we then re-provision.
      abort_on_missing_resource: true,
    });
    this.messages = messages;
    return messages;
  }

  private async supervise(first: ConsumerMessages): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    for (let attempt = 0; this.running;) {
      if (messages) {
        await this.run(messages);
        this.messages = undefined;
        attempt = 0;
      }
      if (!this.running) break;
      this.reportError(new Error(`consumer ${this.durable} stopped receiving; re-provisioning`));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffMs(attempt++, this.retryBaseMs, this.retryMaxMs));
        this.wakeSupervisor = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (!this.running) break;
      messages = await this.open().then(
        async (opened) => {
          // stop() ran while this one was opening: it would pull for nobody.
          if (this.running) return opened;
          await opened.close().catch(() => undefined);
          return undefined;
        },
        (error: unknown) => {
          this.reportError(error);
          // A closed connection never reopens (the process is going away): nothing left to supervise.
          if (
            error instanceof Error &&
            /closed connection|connection (is )?closed/i.test(error.message)
          )
            this.running = false;
          return undefined;
        },
      );
    }
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    const enough = this.concurrency * this.batchSize;
    try {
      for await (const msg of messages) {
        if (!this.running) {
          // Buffered when we began to stop: handed back once the subscription is gone.
          this.held.add(msg);
          this.handBack.push(msg);
          continue;
        }
        this.held.add(msg);
        this.waiting.push(msg);
        this.pump(false);
        // Take no more than the transactions will soon use, so replicas share the work; during
        // an outage take all the broker offers, so nothing waits unheartbeated in the client.
        while (this.running && !this.outage && this.waiting.length >= enough) {
          await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        }
      }
    } catch (error) {
      this.reportError(error);
    }
    // After a stop, stop() hands these back once our pull requests have expired.
    if (this.running) this.handBack.splice(0).forEach((msg) => this.nak(msg));
  }

  /**
   * Starts transactions while slots are free: a full batch at once, a partial one
   * after a short linger (`force` when the linger is over or the messages already
   * waited for a slot). Never from a counter of the client's internals: a batch is
   * never held back waiting for messages that may not come.
   */
  private pump(force: boolean): void {
    if (!this.running || this.outage) return;
    while (this.inFlight.size < this.concurrency && this.waiting.length > 0) {
      if (this.waiting.length < this.batchSize && !force) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = undefined;
          this.pump(true);
        }, this.lingerMs);
        return;
      }
      const batch = this.waiting.splice(0, this.batchSize);
      const task: Promise<void> = this.handleBatch(batch)
        .catch((error: unknown) => {
          this.reportError(error);
          // Whatever the failure left unsettled goes back, rather than being heartbeated forever.
          for (const msg of batch) if (this.held.has(msg)) this.nak(msg);
        })
        .finally(() => {
          this.inFlight.delete(task);
          this.wakeSlotWaiters();
          this.pump(true);
        });
      this.inFlight.add(task);
    }
  }

  /**
   * Handles messages that arrived together in one transaction, each handler in a
   * fresh context: one commit instead of one per event. If a handler fails, the
   * whole transaction rolls back and each message is handled again on its own, so
   * a failure only ever costs its own message.
   */
  private async handleBatch(msgs: JsMsg[]): Promise<void> {
    const ready: Received<TDef>[] = [];
    for (const msg of msgs) {
      const received = await this.admit(msg);
      if (received) ready.push(received);
    }
    if (ready.length === 0) return;
    const together = await this.applyThroughOutages(ready);
    if ('stopped' in together) return ready.forEach((r) => this.nak(r.msg));
    if (together.ok) {
      for (const received of ready) await this.settle(received);
      return;
    }
    if (ready.length === 1) return this.fail(ready[0]!, together.error);
    for (const received of ready) {
      // The one that failed is not run again now: a hang would cost its timeout twice.
      if (received.envelope.id === together.culprit) {
        await this.fail(received, together.error);
        continue;
      }
      const alone = await this.applyThroughOutages([received]);
      if ('stopped' in alone) this.nak(received.msg);
      else if (alone.ok) await this.settle(received);
      else await this.fail(received, alone.error);
    }
  }

  /**
   * Runs the transaction. While the database does not answer, waits and runs it
   * again, for as long as that lasts, without using up a delivery. Other passing
   * failures (a conflict, a broker timeout in the handler) are retried in place a
   * bounded number of times, then count as the handler's failure: a handler whose
   * own dependency stays down must not pin its messages forever.
   */
  private async applyThroughOutages(ready: Received<TDef>[]): Promise<Outcome> {
    for (let attempt = 0, passing = 0; ; attempt++) {
      const blame: { id?: string } = {};
      try {
        await this.apply(ready, blame);
        this.endOutage();
        return { ok: true };
      } catch (error) {
        const failed = (): Outcome =>
          // After an error the handler caught, the next statement of whichever event fails: no culprit.
          blame.id === undefined || isAbortedTransaction(error)
            ? { ok: false, error }
            : { ok: false, error, culprit: blame.id };
        if (!isTransientError(error)) {
          this.endOutage();
          return failed();
        }
        if (await this.databaseAnswers()) {
          this.endOutage();
          if (++passing > MAX_PASSING_RETRIES) return failed();
        } else {
          this.beginOutage(error);
        }
        if (!this.running) return { stopped: true };
        await this.sleep(backoffMs(attempt, this.retryBaseMs, this.outageRetryMaxMs));
        if (!this.running) return { stopped: true };
      }
    }
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await this.options.orm.em.fork().execute('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** One transaction for the events; `blame` names the event whose handler is running. */
  private async apply(ready: Received<TDef>[], blame: { id?: string }): Promise<void> {
    try {
      await this.applyIn(ready, blame);
    } catch (error) {
      // The COMMIT rolled back (orm-client.ts): a handler caught a database error and went on.
      if (!(error instanceof AbortedTransactionError)) throw error;
      throw new Error(
        'the handler caught a database error and went on: its transaction was aborted and nothing was committed',
        { cause: error },
      );
    }
  }

  private async applyIn(ready: Received<TDef>[], blame: { id?: string }): Promise<void> {
    await committing(() =>
      this.options.orm.em.fork().transactional(async (tx) => {
        const fresh = await this.recordInInbox(
          tx,
          ready.map((r) => r.envelope.id),
        );
        for (const { envelope } of ready) {
          // Already applied by an earlier delivery whose ack was lost, or twice in this batch.
          // PostgreSQL answers uuids in lower case, whatever case the producer wrote.
          if (!fresh.delete(envelope.id.toLowerCase())) continue;
          if (this.options.latestWins && envelope.aggregate) {
            if (!(await this.advanceAggregate(tx, envelope.aggregate))) continue;
          }
          const em = tx.fork({ keepTransactionContext: true, clear: true });
          blame.id = envelope.id;
          await this.withinTimeout(async () => {
            // What the handler records carries this event's correlation and names it as cause.
            await runInWorkContext(
              {
                correlationId: envelope.correlationId,
                causationId: envelope.id,
                inTransaction: true,
              },
              () => this.options.handler(envelope, em),
            );
            await em.flush();
          });
          blame.id = undefined;
        }
      }),
    );
  }

  /** Validation at the edge: poison, and messages that keep coming back unsettled, go to the dead letters. */
  private async admit(msg: JsMsg): Promise<Received<TDef> | undefined> {
    const deliveries = msg.info.deliveryCount;
    if (deliveries > this.maxDeliveries) {
      if (await this.alreadyApplied(msg)) return undefined;
      await this.deadLetter(
        msg,
        `delivered ${deliveries} times without being settled: the consumer crashed or stopped answering each time`,
      );
      return undefined;
    }
    const validation = validateEvent(this.options.event, msg.data);
    if (!validation.ok) {
      await this.deadLetter(msg, validation.reason);
      return undefined;
    }
    return { msg, envelope: validation.envelope };
  }

  /**
   * A message back too often may be one whose acks were lost after it was applied
   * (a reconnect): its inbox row says so, and it is simply acked.
   */
  private async alreadyApplied(msg: JsMsg): Promise<boolean> {
    const id = eventKey(msg.data);
    if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
    try {
      const rows = await this.options.orm.em
        .fork()
        .execute<unknown[]>(`SELECT 1 FROM ${INBOX_TABLE} WHERE consumer = ? AND event_id = ?`, [
          this.options.consumer,
          id.toLowerCase(),
        ]);
      if (rows.length === 0) return false;
    } catch {
      return false;
    }
    this.held.delete(msg);
    safely(() => msg.ack());
    return true;
  }

  /**
   * Inserts the inbox rows; returns the ids not seen before by this consumer. A
   * repeat refreshes its row's time, so pruning keeps it as long as the latest copy
   * of the event may still be replayed. The same statement bounds every later
   * statement of the transaction by the handler timeout, so a handler stuck in the
   * database is cut off there too.
   */
  private async recordInInbox(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const { consumer, event } = this.options;
    const rows = await em.execute<{ event_id: string; inserted: boolean }[]>(
      `INSERT INTO ${INBOX_TABLE} AS i (consumer, event_id, subject)
       SELECT DISTINCT v.consumer, v.event_id::uuid, v.subject
         FROM (VALUES ${ids.map(() => '(?, ?, ?)').join(', ')}) AS v(consumer, event_id, subject),
              set_config('statement_timeout', ?, true)
       ON CONFLICT (consumer, event_id) DO UPDATE SET processed_at = clock_timestamp()
       RETURNING i.event_id, (i.xmax = 0) AS inserted`,
      [...ids.flatMap((id) => [consumer, id, event.subject]), String(this.handlerTimeoutMs)],
      'all',
    );
    return new Set(rows.filter((row) => row.inserted).map((row) => row.event_id));
  }

  /** Moves the newest applied version of the aggregate forward; false if this event is older. */
  private async advanceAggregate(
    em: EntityManager,
    aggregate: NonNullable<EventEnvelope['aggregate']>,
  ): Promise<boolean> {
    const rows = await em.execute<{ version: string }[]>(
      `INSERT INTO ${AGGREGATE_APPLIED_TABLE} AS a (consumer, aggregate, aggregate_id, version)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (consumer, aggregate, aggregate_id)
       DO UPDATE SET version = EXCLUDED.version WHERE a.version < EXCLUDED.version
       RETURNING version`,
      [
        typeof this.options.latestWins === 'string'
          ? this.options.latestWins
          : this.options.consumer,
        aggregate.type,
        aggregate.id,
        aggregate.version,
      ],
      'all',
    );
    return rows.length > 0;
  }

  private async withinTimeout(work: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const running = work();
    // A handler that times out may still fail later; that failure has nowhere left to go.
    running.catch(() => undefined);
    try {
      await Promise.race([
        running,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new HandlerTimeoutError(this.handlerTimeoutMs)),
            this.handlerTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fail(received: Received<TDef>, error: unknown): Promise<void> {
    const { msg } = received;
    const deliveries = msg.info.deliveryCount;
    this.reportError(error, msg.subject);
    if (deliveries >= this.maxDeliveries) {
      await this.deadLetter(msg, `handler failed ${deliveries} times: ${describeError(error)}`);
    } else {
      this.nak(msg, backoffMs(deliveries - 1, this.retryBaseMs, this.retryMaxMs));
    }
  }

  /** Only after the commit: observers first, then the ack. */
  private async settle({ msg, envelope }: Received<TDef>): Promise<void> {
    await this.options.hooks?.afterCommit?.(envelope);
    this.held.delete(msg);
    safely(() => msg.ack());
  }

  private nak(msg: JsMsg, delayMs?: number): void {
    this.held.delete(msg);
    safely(() => (delayMs === undefined ? msg.nak() : msg.nak(delayMs)));
  }

  private async deadLetter(msg: JsMsg, why: string): Promise<void> {
    const { js, naming, consumer } = this.options;
    // Header values cannot hold line breaks, and many database errors have them.
    const reason = why.replace(/\s+/g, ' ');
    const headers = natsHeaders();
    headers.set(DEAD_LETTER_HEADERS.reason, reason.slice(0, 2000));
    headers.set(DEAD_LETTER_HEADERS.consumer, consumer);
    headers.set(DEAD_LETTER_HEADERS.subject, msg.subject);
    headers.set(DEAD_LETTER_HEADERS.deliveries, String(msg.info.deliveryCount));
    const redrives = msg.headers?.get(DEAD_LETTER_HEADERS.redrives) || '0';
    headers.set(DEAD_LETTER_HEADERS.redrives, redrives);
    const history = msg.headers?.get(DEAD_LETTER_HEADERS.history);
    if (history) headers.set(DEAD_LETTER_HEADERS.history, history);
    try {
      await js.publish(naming.deadLetterSubject(consumer, msg.subject), msg.data, {
        headers,
        // One dead letter per consumer and event (per re-drive), however often we retry this and
        // wherever the event sits in the stream: a copy stored twice is still one event.
        msgID: `${this.durable}:${eventKey(msg.data)}:${redrives}`,
      });
    } catch (error) {
      this.reportError(error, msg.subject);
      // Kept, not dropped: the broker delivers it again later and we try the dead letter again.
      this.nak(msg, backoffMs(msg.info.deliveryCount, this.retryBaseMs, this.retryMaxMs));
      return;
    }
    this.options.hooks?.deadLettered?.(reason, msg);
    this.held.delete(msg);
    safely(() => msg.term(reason.slice(0, 200)));
  }

  private beginOutage(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.reportError(
      new Error(`infrastructure unavailable, pausing until it answers: ${describeError(error)}`, {
        cause: error,
      }),
    );
    this.options.hooks?.outage?.(true);
    // The pulling loop may be waiting for a slot: during an outage it takes what the broker sends.
    this.wakeSlotWaiters();
  }

  private endOutage(): void {
    if (!this.outage) return;
    this.outage = false;
    this.options.hooks?.outage?.(false);
    this.pump(true);
  }

  /** A pause that stop() cuts short. */
  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    waiters.forEach((wake) => wake());
  }

  private wakeAll(): void {
    this.wakeSlotWaiters();
    [...this.sleepers].forEach((wake) => wake());
  }

  private reportError(error: unknown, subject?: string): void {
    this.options.onError?.(
      error,
      subject === undefined
        ? { consumer: this.options.consumer }
        : { consumer: this.options.consumer, subject },
    );
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // The connection is gone: the broker redelivers whatever we could not settle.
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = `${error.name}: ${error.message}`;
  return error.cause instanceof Error ? `${own} (${error.cause.message})` : own;
}

/** The event id when the body has one, else a digest of the body (poison has no id to trust). */
function eventKey(data: Uint8Array): string {
  try {
    const id = (JSON.parse(new TextDecoder().decode(data)) as { id?: unknown }).id;
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) return id;
  } catch {
    // Not JSON: fall through to the digest.
  }
  return createHash('sha256').update(data).digest('hex').slice(0, 32);
}
