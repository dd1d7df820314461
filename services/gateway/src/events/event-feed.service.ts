import { Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Naming } from '@boucle/messaging';
import { EventFanOut, type Follower } from './event-fan-out.js';
import type { ReservationOutcomes } from './reservation-outcomes.js';

export interface EventFeedOptions {
  replayEvents: number;
  heartbeatMs: number;
  replayBytes?: number;
}

/** The producers whose events people follow here. */
export const FOLLOWED_PRODUCERS = ['inventory', 'collection', 'matching'] as const;

/**
 * The gateway's one reading of inventory's, collection's and matching's events, shared by every
 * connected client: a core NATS subscription to each stream's subjects, fanned out in
 * process. Read-only on
 * purpose: the gateway may neither publish an event nor touch a JetStream consumer (on
 * nats-server 2.9 the right to create one would also let it alter other services'
 * durables). The price is that core NATS does not resend what it delivered while the
 * connection was away: after a reconnection every stream is told to re-read (`reset`).
 */
export class EventFeed implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventFeed');
  private readonly fanOut: EventFanOut;
  private readonly subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly naming: Naming,
    private readonly options: EventFeedOptions,
    /** Told of every reservation answered, for the requests that wait for it. */
    private readonly outcomes?: ReservationOutcomes,
  ) {
    this.fanOut = new EventFanOut(
      (subject) => naming.unprefixed(subject),
      options.replayEvents,
      options.replayBytes,
    );
  }

  onModuleInit(): void {
    for (const subject of FOLLOWED_PRODUCERS.flatMap((p) => this.naming.streamSubjects(p))) {
      const subscription = this.nc.subscribe(subject, {
        callback: (error, msg) => {
          if (error) return this.logger.error(`events ${subject}: ${error.message}`);
          const answers = this.fanOut.accept(msg.subject, msg.data)?.answers;
          if (answers !== undefined) this.outcomes?.settle(answers);
        },
      });
      // A refused subscription (NATS permissions) closes with the server's reason.
      void subscription.closed.then((reason) => {
        if (reason instanceof Error) this.logger.error(`events unavailable: ${reason.message}`);
        this.running = false;
      });
      this.subscriptions.push(subscription);
    }
    this.running = true;
    void this.watch();
    this.timer = setInterval(() => this.fanOut.beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Whether events are being read: a stream opened without them would stay silent. */
  get available(): boolean {
    return this.running && !this.nc.isClosed();
  }

  /** How many streams are open on this gateway. */
  get size(): number {
    return this.fanOut.size;
  }

  streamsOf(userId: string): number {
    return this.fanOut.streamsOf(userId);
  }

  follow(follower: Follower, after?: string): void {
    this.fanOut.follow(follower, after);
  }

  unfollow(follower: Follower): void {
    this.fanOut.unfollow(follower);
  }

  beforeApplicationShutdown(): void {
    this.running = false;
    clearInterval(this.timer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    // Open streams would hold the HTTP server's close: each is ended, and told why.
    this.fanOut.endAll('shutdown');
  }

  /** A reconnection, or messages the client dropped, is a gap in what was delivered. */
  private async watch(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'reconnect' || status.type === 'slowConsumer') {
        this.logger.warn(`events may have been missed (${status.type}): streams told to re-read`);
        this.fanOut.gap();
      }
    }
  }
}
