import type { EntityManager, MikroORM } from '@boucle/database';
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
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { DEAD_LETTER_HEADERS, type EventDefinition, type EventEnvelope } from '@boucle/contracts';
import type { z } from 'zod';
import { backoffMs } from '../backoff.js';
import { INBOX_TABLE } from '../migrations.js';
import type { Naming } from '../naming.js';
import { validateEvent } from './validate-event.js';

export type EventHandlerFn<TDef extends EventDefinition> = (
  event: EventEnvelope<z.output<TDef['schema']>>,
  em: EntityManager,
) => Promise<void>;

interface Received<TDef extends EventDefinition> {
  msg: JsMsg;
  envelope: EventEnvelope<z.output<TDef['schema']>>;
}

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
  /** Deliveries before a failing message is dead-lettered. */
  maxDeliveries?: number;
  /** Redelivery delay after a handler failure grows from this. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long the broker waits for an ack before redelivering (a replica that died). */
  ackWaitMs?: number;
  onError?: (error: unknown, context: { consumer: string; subject?: string }) => void;
  /** Observation and fault-injection points; they never change what is committed. */
  hooks?: {
    /** After the handler's transaction committed and before the ack is sent. */
    afterCommit?: (event: EventEnvelope) => void | Promise<void>;
    deadLettered?: (reason: string, msg: JsMsg) => void;
  };
}

/**
 * Runs one event handler on a durable pull consumer shared by all replicas.
 *
 * Each message is validated at the edge (poison goes to the dead-letter stream
 * with the reason), then handled in a fresh ORM context inside a transaction that
 * also records `(consumer, event id)` in the inbox; the ack is sent only after
 * that commit. A redelivered event finds its inbox row and has no second effect.
 */
export class ConsumerRunner<TDef extends EventDefinition = EventDefinition> {
  private messages: ConsumerMessages | undefined;
  private running = false;
  private stopped = false;
  private wakeSupervisor: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly maxDeliveries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly ackWaitMs: number;
  readonly durable: string;

  constructor(private readonly options: ConsumerRunnerOptions<TDef>) {
    this.concurrency = options.concurrency ?? 4;
    this.batchSize = options.batchSize ?? 32;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.durable = options.naming.durable(options.consumer);
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
    this.loop = this.supervise(messages);
  }

  /** True while messages are being pulled. */
  get active(): boolean {
    return this.running && this.messages !== undefined;
  }

  /**
   * Stops pulling, lets the handlers in hand finish and ack (up to `deadlineMs`),
   * and gives back what was buffered.
   */
  async stop(deadlineMs = 30_000): Promise<void> {
    this.stopped = true;
    this.running = false;
    this.wakeSupervisor?.();
    // Closing resolves once the loop has drained the buffer; on a dead connection it may never: hence the deadline.
    const closing = this.messages?.close().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([Promise.allSettled([closing, this.loop, ...this.inFlight]), deadline]);
    clearTimeout(timer);
  }

  private async open(): Promise<ConsumerMessages> {
    await this.provision();
    const consumer = await this.options.js.consumers.get(
      this.options.naming.stream(this.options.event.producer),
      this.durable,
    );
    // Enough buffered to fill the batches in hand, not so much that messages wait out their ack_wait.
    const buffered = Math.min(512, Math.max(16, this.concurrency * this.batchSize));
    // A deleted consumer or stream ends the iteration instead of waiting forever; we then re-provision.
    const messages = await consumer.consume({
      max_messages: buffered,
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
      messages = await this.open().catch((error: unknown) => {
        this.reportError(error);
        // A closed connection never reopens (the process is going away): nothing left to supervise.
        if (
          error instanceof Error &&
          /closed connection|connection (is )?closed/i.test(error.message)
        )
          this.running = false;
        return undefined;
      });
    }
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    let batch: JsMsg[] = [];
    const dispatch = () => {
      const taken = batch;
      batch = [];
      const task = this.handleBatch(taken).catch((error: unknown) => this.reportError(error));
      this.inFlight.add(task);
      void task.finally(() => this.inFlight.delete(task));
    };
    try {
      for await (const msg of messages) {
        if (!this.running) {
          // Already buffered when we began to stop: hand it straight back to the other replicas.
          safely(() => msg.nak());
          continue;
        }
        batch.push(msg);
        // A batch closes when full or when nothing more is waiting in the buffer.
        if (batch.length >= this.batchSize || messages.getPending() === 0) dispatch();
        if (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      }
    } catch (error) {
      this.reportError(error);
    }
    for (const msg of batch) safely(() => msg.nak());
  }

  /**
   * Handles messages that arrived together in one transaction, each handler in a
   * fresh context: one commit instead of one per event. If any handler fails, the
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
    if (ready.length === 1) return this.handleOne(ready[0]!);

    const heartbeat = this.heartbeat(ready.map((r) => r.msg));
    try {
      await this.options.orm.em.fork().transactional(async (tx) => {
        const fresh = await this.recordInInbox(
          tx,
          ready.map((r) => r.envelope.id),
        );
        for (const { envelope } of ready) {
          // Already applied by an earlier delivery whose ack was lost, or twice in this batch.
          if (!fresh.delete(envelope.id)) continue;
          const em = tx.fork({ keepTransactionContext: true, clear: true });
          await this.options.handler(envelope, em);
          await em.flush();
        }
      });
    } catch {
      clearInterval(heartbeat);
      for (const received of ready) await this.handleOne(received);
      return;
    }
    clearInterval(heartbeat);
    for (const { msg, envelope } of ready) await this.settle(msg, envelope);
  }

  private async handleOne({ msg, envelope }: Received<TDef>): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    const heartbeat = this.heartbeat([msg]);
    try {
      await this.options.orm.em.fork().transactional(async (em) => {
        const fresh = await this.recordInInbox(em, [envelope.id]);
        // Already applied by an earlier delivery whose ack was lost.
        if (fresh.size === 0) return;
        await this.options.handler(envelope, em);
      });
    } catch (error) {
      clearInterval(heartbeat);
      this.reportError(error, msg.subject);
      if (deliveries >= this.maxDeliveries) {
        await this.deadLetter(msg, `handler failed ${deliveries} times: ${describeError(error)}`);
      } else {
        safely(() => msg.nak(backoffMs(deliveries - 1, this.retryBaseMs, this.retryMaxMs)));
      }
      return;
    }
    clearInterval(heartbeat);
    await this.settle(msg, envelope);
  }

  /** Validation at the edge: poison goes to the dead letters with the reason. */
  private async admit(msg: JsMsg): Promise<Received<TDef> | undefined> {
    const validation = validateEvent(this.options.event, msg.data);
    if (!validation.ok) {
      await this.deadLetter(msg, validation.reason);
      return undefined;
    }
    return { msg, envelope: validation.envelope };
  }

  /** Inserts the inbox rows; returns the ids not seen before by this consumer. */
  private async recordInInbox(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const { consumer, event } = this.options;
    const inserted = await em.execute<{ event_id: string }[]>(
      `INSERT INTO ${INBOX_TABLE} (consumer, event_id, subject)
       VALUES ${ids.map(() => '(?, ?, ?)').join(', ')}
       ON CONFLICT DO NOTHING RETURNING event_id`,
      ids.flatMap((id) => [consumer, id, event.subject]),
      'all',
    );
    return new Set(inserted.map((row) => row.event_id));
  }

  /** Slow handlers keep their messages: tell the broker we are still on them. */
  private heartbeat(msgs: JsMsg[]): NodeJS.Timeout {
    return setInterval(
      () => msgs.forEach((msg) => safely(() => msg.working())),
      Math.max(100, this.ackWaitMs / 3),
    );
  }

  /** Only after the commit: observers first, then the ack. */
  private async settle(
    msg: JsMsg,
    envelope: EventEnvelope<z.output<TDef['schema']>>,
  ): Promise<void> {
    await this.options.hooks?.afterCommit?.(envelope);
    safely(() => msg.ack());
  }

  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const { js, naming, consumer } = this.options;
    const headers = natsHeaders();
    headers.set(DEAD_LETTER_HEADERS.reason, reason.slice(0, 2000));
    headers.set(DEAD_LETTER_HEADERS.consumer, consumer);
    headers.set(DEAD_LETTER_HEADERS.subject, msg.subject);
    headers.set(DEAD_LETTER_HEADERS.deliveries, String(msg.info.deliveryCount));
    try {
      await js.publish(naming.deadLetterSubject(consumer, msg.subject), msg.data, {
        headers,
        // One dead letter per consumer and stream position, however often we retry this.
        msgID: `${this.durable}:${msg.info.streamSequence}`,
      });
    } catch (error) {
      this.reportError(error, msg.subject);
      // Kept, not dropped: the broker delivers it again later and we try the dead letter again.
      safely(() => msg.nak(backoffMs(msg.info.deliveryCount, this.retryBaseMs, this.retryMaxMs)));
      return;
    }
    this.options.hooks?.deadLettered?.(reason, msg);
    safely(() => msg.term(reason.slice(0, 200)));
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
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
