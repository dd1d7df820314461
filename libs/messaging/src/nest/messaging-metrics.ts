import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Naming } from '../naming.js';
import type { OutboxRelay, OutboxStats } from '../outbox/outbox-relay.js';

export type ConsumerState = 'pulling' | 'waiting-for-stream' | 'outage' | 'stopped';

const CONSUMER_STATES: readonly ConsumerState[] = [
  'pulling',
  'waiting-for-stream',
  'outage',
  'stopped',
];

/** What the messaging metrics read at each scrape (`MessagingRuntime.registerMetrics` gives it). */
export interface MessagingMetricsSource {
  jsm: JetStreamManager;
  naming: Naming;
  /** Undefined until the application has started, or in a process that does not relay. */
  relay(): OutboxRelay | undefined;
  /** This process's consumers, with the stream and durable their JetStream state is read from. */
  consumers(): {
    consumer: string;
    stream: string;
    durable: string;
    state: ConsumerState;
    held: number;
  }[];
}

interface Snapshot {
  /** Null while the database does not answer, or before the relay exists. */
  outbox: OutboxStats | null;
  consumers: {
    consumer: string;
    state: ConsumerState;
    held: number;
    /** Null while its stream or durable does not exist yet, or JetStream does not answer. */
    info: ConsumerInfo | null;
    deadLetters: number | null;
  }[];
}

/**
 * Registers the event backbone's gauges on `registry`: the outbox (pending rows,
 * the oldest one's age, stuck rows, what the relay published and failed to), and
 * per consumer its state, what this replica holds, and from JetStream what waits
 * to be delivered, to be acked, was redelivered, and was dead-lettered.
 *
 * Values are read when scraped, nothing is kept up to date in between: the
 * outbox with one query, JetStream with one request per consumer and one per
 * consumer's dead letters, all at once and shared by every gauge of the scrape.
 * A source that does not answer leaves its series out (or NaN for the outbox
 * gauges), never the whole scrape.
 */
export function registerMessagingMetrics(registry: Registry, source: MessagingMetricsSource): void {
  let inFlight: Promise<Snapshot> | undefined;
  // Every collect of one scrape starts in the same tick (prom-client calls them together), so
  // they share the reads; the next scrape reads again.
  const snapshot = (): Promise<Snapshot> =>
    (inFlight ??= read(source).finally(() => {
      inFlight = undefined;
    }));
  const registers = [registry];

  const outboxGauge = (name: string, help: string, value: (stats: OutboxStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const { outbox } = await snapshot();
        this.set(outbox === null ? Number.NaN : value(outbox));
      },
    });
  outboxGauge(
    'boucle_outbox_pending_rows',
    'Outbox rows committed and not yet published (NaN while the database does not answer).',
    (s) => s.pending,
  );
  outboxGauge(
    'boucle_outbox_oldest_pending_age_seconds',
    'Age of the oldest unpublished outbox row; 0 when none waits.',
    (s) => (s.oldestPendingAgeMs ?? 0) / 1000,
  );
  outboxGauge(
    'boucle_outbox_stuck_rows',
    'Unpublished outbox rows that failed at least the alert threshold of attempts.',
    (s) => s.stuck,
  );

  const relayCounter = (name: string, help: string, key: 'published' | 'failed') =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(source.relay()?.counts[key] ?? 0);
      },
    });
  relayCounter(
    'boucle_outbox_relay_published_total',
    'Outbox rows this process published and marked sent.',
    'published',
  );
  relayCounter(
    'boucle_outbox_relay_publish_failures_total',
    'Publishes of outbox rows that failed in this process (each is retried).',
    'failed',
  );

  const consumerGauge = (
    name: string,
    help: string,
    value: (c: Snapshot['consumers'][number]) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['consumer'],
      registers,
      async collect() {
        const { consumers } = await snapshot();
        this.reset();
        for (const c of consumers) {
          const v = value(c);
          if (v !== null) this.set({ consumer: c.consumer }, v);
        }
      },
    });
  new Gauge({
    name: 'boucle_consumer_state',
    help: 'State of each consumer in this process: 1 for the state it is in (outage: paused until the database answers).',
    labelNames: ['consumer', 'state'],
    registers,
    async collect() {
      const { consumers } = await snapshot();
      this.reset();
      for (const c of consumers)
        for (const state of CONSUMER_STATES)
          this.set({ consumer: c.consumer, state }, c.state === state ? 1 : 0);
    },
  });
  consumerGauge(
    'boucle_consumer_held_messages',
    'Messages this process has taken from the consumer and not settled yet.',
    (c) => c.held,
  );
  consumerGauge(
    'boucle_consumer_pending_messages',
    'Messages of the durable consumer not yet delivered (JetStream num_pending).',
    (c) => c.info?.num_pending ?? null,
  );
  consumerGauge(
    'boucle_consumer_ack_pending_messages',
    'Messages of the durable consumer delivered and not yet acked (JetStream num_ack_pending).',
    (c) => c.info?.num_ack_pending ?? null,
  );
  consumerGauge(
    'boucle_consumer_redelivered_messages',
    'Messages of the durable consumer delivered more than once and not yet acked (JetStream num_redelivered).',
    (c) => c.info?.num_redelivered ?? null,
  );
  consumerGauge(
    'boucle_consumer_dead_letters',
    'Dead letters of the consumer waiting in the dead-letter stream (fewer once re-driven).',
    (c) => c.deadLetters,
  );
}

async function read(source: MessagingMetricsSource): Promise<Snapshot> {
  const relay = source.relay();
  const deadLetterStream = source.naming.deadLetterStream();
  const [outbox, consumers] = await Promise.all([
    relay ? relay.stats().catch(() => null) : null,
    Promise.all(
      source.consumers().map(async (c) => {
        const [info, deadLetters] = await Promise.all([
          // A consumed stream may belong to a service not started yet: no series until it exists.
          source.jsm.consumers.info(c.stream, c.durable).catch(() => null),
          source.jsm.streams
            .info(deadLetterStream, {
              subjects_filter: source.naming.deadLetterSubject(c.consumer, '>'),
            })
            .then((i) => Object.values(i.state.subjects ?? {}).reduce((a, b) => a + b, 0))
            .catch(() => null),
        ]);
        return { consumer: c.consumer, state: c.state, held: c.held, info, deadLetters };
      }),
    ),
  ]);
  return { outbox, consumers };
}
