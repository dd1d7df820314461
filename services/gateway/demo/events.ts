import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { EnvelopeSchema, PRODUCERS, streamSubjects, type EventEnvelope } from '@boucle/contracts';

/** An event as published: its subject (`inventory.stock.moved.v1`) and its envelope. */
export interface SeenEvent {
  subject: string;
  envelope: EventEnvelope<Record<string, unknown>>;
}

/** `inventory.stock.moved` (the envelope's type, without the version), and how many of them. */
export interface ExpectedEvent {
  type: string;
  count?: number;
}

export interface EventWait {
  events: SeenEvent[];
  /** What did not come in time, with how many were still missing. */
  missing: { type: string; missing: number }[];
}

/**
 * The cluster's events as a reader without an inbox sees them: a core NATS subscription,
 * read-only, to every producer's subjects. Events are published by each service's outbox
 * relay a few milliseconds after the commit, so a step's events are waited for by what is
 * expected, never by sleeping. The stream delivers at least once: an id seen twice is kept once.
 */
export class EventTap {
  private readonly seen: SeenEvent[] = [];
  private readonly ids = new Set<string>();
  /** Events already shown with a step: each is told once. */
  private readonly claimed = new Set<string>();
  private wake: (() => void) | undefined;
  private readonly subscriptions: Subscription[] = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly owned: boolean,
  ) {}

  /** Connects to NATS at `url`; `prefix` is a test's subject prefix, empty on a real system. */
  static async connect(url: string, prefix = ''): Promise<EventTap> {
    const nc = await connect({ servers: url, name: 'boucle-demo', maxReconnectAttempts: 5 });
    return EventTap.listen(nc, prefix, true);
  }

  /** Listens on a connection the caller keeps (and closes). */
  static async listen(nc: NatsConnection, prefix = '', owned = false): Promise<EventTap> {
    const tap = new EventTap(nc, prefix, owned);
    for (const producer of PRODUCERS) {
      for (const subject of streamSubjects(producer)) tap.subscribe(`${prefix}${subject}`);
    }
    // The server has the subscriptions once it answers a round trip: nothing published after
    // this returns is missed.
    await nc.flush();
    return tap;
  }

  private subscribe(subject: string): void {
    const subscription = this.nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) return;
        let json: unknown;
        try {
          json = message.json();
        } catch {
          return;
        }
        const parsed = EnvelopeSchema.safeParse(json);
        if (!parsed.success || this.ids.has(parsed.data.id)) return;
        this.ids.add(parsed.data.id);
        this.seen.push({
          subject: message.subject.slice(this.prefix.length),
          envelope: parsed.data as EventEnvelope<Record<string, unknown>>,
        });
        this.wake?.();
      },
    });
    this.subscriptions.push(subscription);
  }

  /** Every event seen so far whose data names one of `ids`, in the order they came. */
  concerning(ids: Iterable<string>): SeenEvent[] {
    const wanted = new Set(ids);
    return this.seen.filter((event) => mentions(event.envelope.data, wanted));
  }

  /** Every event seen so far. */
  all(): readonly SeenEvent[] {
    return this.seen;
  }

  /**
   * Waits until the expected events about `ids` have come (or `timeoutMs` has passed), then
   * claims and returns every event about them not yet claimed, expected or not.
   */
  async waitFor(
    ids: Iterable<string>,
    expected: readonly ExpectedEvent[],
    timeoutMs: number,
  ): Promise<EventWait> {
    const wanted = new Set(ids);
    const deadline = Date.now() + timeoutMs;
    const fresh = () =>
      this.seen.filter(
        (event) => !this.claimed.has(event.envelope.id) && mentions(event.envelope.data, wanted),
      );
    const missing = () =>
      expected
        .map(({ type, count = 1 }) => ({
          type,
          missing: count - fresh().filter((event) => event.envelope.type === type).length,
        }))
        .filter((gap) => gap.missing > 0);
    while (missing().length > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    const gaps = missing();
    const events = fresh();
    for (const event of events) this.claimed.add(event.envelope.id);
    return { events, missing: gaps };
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    if (this.owned) await this.nc.close();
  }
}

/** Whether any string in `data`, however deep, is one of `ids`. */
function mentions(data: unknown, ids: ReadonlySet<string>): boolean {
  if (typeof data === 'string') return ids.has(data);
  if (Array.isArray(data)) return data.some((value) => mentions(value, ids));
  if (typeof data === 'object' && data !== null)
    return Object.values(data).some((value) => mentions(value, ids));
  return false;
}
