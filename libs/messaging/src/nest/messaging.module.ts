import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type Type,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  DiscoveryModule,
  DiscoveryService,
  MetadataScanner,
  ModuleRef,
  Reflector,
} from '@nestjs/core';
import {
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Registry } from 'prom-client';
import type { Producer } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { backoffMs } from '../backoff.js';
import { ConsumerRunner, type EventHandlerFn } from '../consumer/consumer-runner.js';
import { InboxPruner } from '../inbox/inbox-pruner.js';
import { CommandLog } from '../rpc/command-log.js';
import { trackTransactions } from '../outbox/outbox.js';
import { Naming } from '../naming.js';
import { serviceConnectOptions, type NatsCredentials } from '../nats-connection.js';
import {
  OutboxRelay,
  StuckOutboxRowError,
  type OutboxRelayOptions,
} from '../outbox/outbox-relay.js';
import {
  ensureDeadLetterStream,
  ensureProducerStream,
  type StreamOptions,
} from '../streams/provisioning.js';
import { registerMessagingMetrics, type ConsumerState } from './messaging-metrics.js';
import { ON_EVENT_METADATA, type OnEventMetadata } from './on-event.decorator.js';

export interface MessagingModuleOptions {
  /** The service this process is; it owns the stream `<PRODUCER>`. */
  producer: Producer;
  natsUrl: string;
  /** The service's NATS user (`NATS_USER` / `NATS_PASSWORD`); none on a server without authorization. */
  natsCredentials?: NatsCredentials;
  /** The service's own database, where its outbox lives. */
  databaseUrl: string;
  subjectPrefix?: string;
  stream?: StreamOptions;
  relay?: Omit<OutboxRelayOptions, 'databaseUrl' | 'js' | 'naming'>;
  /** Set to false in processes that must not publish (a read-only tool). */
  runRelay?: boolean;
  /**
   * The inbox of the `@OnEvent` consumers is pruned every `intervalMs` (10 minutes),
   * keeping rows for the consumed streams' max age plus `marginMs` (1 day).
   */
  inboxPruning?: { intervalMs?: number; marginMs?: number };
  /** How long a command's first answer is kept for its retries (7 days). */
  commandLog?: { keepMs?: number };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');
export const JETSTREAM_MANAGER = Symbol('JETSTREAM_MANAGER');

/**
 * Starts what the service needs to publish and consume: its stream and the
 * dead-letter stream, the outbox relay, and one consumer runner per `@OnEvent`
 * method. On shutdown it stops pulling, lets handlers in hand finish, then
 * closes the connection.
 */
@Injectable()
export class MessagingRuntime
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Messaging');
  private readonly naming: Naming;
  private relay: OutboxRelay | undefined;
  private readonly runners: ConsumerRunner[] = [];
  /** The stream each runner reads, for the metrics. */
  private readonly streams = new Map<ConsumerRunner, string>();
  private readonly waitingForStream = new Set<ConsumerRunner>();
  private stopping = false;
  private readonly firstSteps: (() => Promise<void>)[] = [];
  private wake: (() => void) | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {
    this.naming = new Naming(options.subjectPrefix ?? '');
  }

  /**
   * True while the connection is open and every consumer that could start is
   * pulling; readiness checks read this. A consumer still waiting for another
   * service's stream to exist does not make this one unready.
   */
  get ready(): boolean {
    return (
      !this.nc.isClosed() && this.runners.every((r) => r.active || this.waitingForStream.has(r))
    );
  }

  /** Each consumer's state, for readiness details: pulling, waiting for a stream, or paused by an outage. */
  get consumers(): {
    consumer: string;
    state: ConsumerState;
    held: number;
  }[] {
    return this.runners.map((runner) => ({
      consumer: runner.consumer,
      state: this.stateOf(runner),
      held: runner.status.held,
    }));
  }

  private stateOf(runner: ConsumerRunner): ConsumerState {
    const status = runner.status;
    return this.waitingForStream.has(runner)
      ? 'waiting-for-stream'
      : status.outage
        ? 'outage'
        : status.pulling
          ? 'pulling'
          : 'stopped';
  }

  /**
   * Registers the outbox and consumer gauges on `registry` (see `registerMessagingMetrics`);
   * callable before start: they read the relay and the consumers when scraped.
   */
  registerMetrics(registry: Registry): void {
    registerMessagingMetrics(registry, {
      jsm: this.jsm,
      naming: this.naming,
      relay: () => this.relay,
      consumers: () =>
        this.runners.map((runner) => ({
          consumer: runner.consumer,
          stream: this.streams.get(runner) ?? '',
          durable: runner.durable,
          state: this.stateOf(runner),
          held: runner.status.held,
        })),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureProducerStream(this.jsm, this.naming, this.options.producer, this.options.stream);
    await ensureDeadLetterStream(this.jsm, this.naming, this.options.stream);
    // The service's own database, as DatabaseModule provides it.
    const orm = this.moduleRef.get<MikroORM>(MikroORM as Type<MikroORM>, { strict: false });
    trackTransactions(orm);
    if (this.options.runRelay !== false) {
      this.relay = new OutboxRelay({
        databaseUrl: this.options.databaseUrl,
        js: this.js,
        naming: this.naming,
        // The service records its events with it: its commits wake the relay directly.
        orm,
        // A stuck row is an alert for whoever watches the logs, not one more retry notice.
        onError: (error) =>
          error instanceof StuckOutboxRowError
            ? this.logger.error(error.message)
            : this.logger.warn(`outbox relay: ${String(error)}`),
        ...this.options.relay,
      });
      await this.relay.start();
    }
    const handlers = this.discoverHandlers();
    for (const handler of handlers) {
      const runner = new ConsumerRunner({
        ...handler.meta,
        handler: handler.fn,
        orm,
        js: this.js,
        jsm: this.jsm,
        naming: this.naming,
        onError: (error, ctx) => this.logger.warn(`${ctx.consumer}: ${String(error)}`),
      });
      this.runners.push(runner);
      this.streams.set(runner, this.naming.stream(handler.meta.event.producer));
      void this.startWhenStreamExists(runner, handler.meta.consumer);
    }
    this.startInboxPruning(
      orm,
      handlers.map((h) => h.meta.event.producer),
    );
  }

  /**
   * Work to stop before anything of the backbone does, such as taking requests: what is
   * in hand then still finds its database, its relay and its broker.
   */
  stopFirst(step: () => Promise<void>): void {
    this.firstSteps.push(step);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.firstSteps.map((step) => step()));
    this.stopping = true;
    this.wake?.();
    clearTimeout(this.pruneTimer);
    await this.pruning;
    await Promise.allSettled(this.runners.map((r) => r.stop()));
    await this.relay?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  /**
   * On a timer that never keeps the process alive; a failed run is logged, the next one
   * retries. Inbox rows are kept for the consumed streams' max age (a re-created consumer
   * may replay that far); command answers for `commandLog.keepMs` (7 days), longer than
   * any caller keeps retrying one command.
   */
  private startInboxPruning(orm: MikroORM, producers: Producer[]): void {
    const intervalMs = this.options.inboxPruning?.intervalMs ?? 10 * 60_000;
    const pruner =
      producers.length > 0
        ? new InboxPruner({
            orm,
            jsm: this.jsm,
            naming: this.naming,
            producers,
            marginMs: this.options.inboxPruning?.marginMs,
            onError: (error) => this.logger.warn(`inbox pruning: ${String(error)}`),
          })
        : undefined;
    const commands = new CommandLog(orm);
    const keepCommandsMs = this.options.commandLog?.keepMs ?? 7 * 24 * 3_600_000;
    const schedule = (delayMs: number) => {
      this.pruneTimer = setTimeout(() => {
        this.pruning = Promise.all([
          pruner
            ?.prune()
            .catch((error: unknown) => this.logger.warn(`inbox pruning: ${String(error)}`)),
          commands
            .prune(keepCommandsMs)
            .catch((error: unknown) => this.logger.warn(`command log pruning: ${String(error)}`)),
        ])
          .then(() => undefined)
          .finally(() => {
            this.pruning = undefined;
            if (!this.stopping) schedule(intervalMs);
          });
      }, delayMs).unref();
    };
    schedule(Math.min(60_000, intervalMs));
  }

  /** A consumed stream may belong to a service that has not started yet: wait for it. */
  /**
   * A consumed stream may belong to a service that has not started yet: services
   * start in any order, so this is said once, then at most once a minute, and shown
   * in the readiness details.
   */
  private async startWhenStreamExists(runner: ConsumerRunner, consumer: string): Promise<void> {
    let lastSaid = 0;
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await runner.start();
        if (this.waitingForStream.delete(runner))
          this.logger.log(`${consumer}: its stream exists now; consuming`);
        return;
      } catch (error) {
        if (error instanceof JetStreamApiError && error.code === 10059)
          this.waitingForStream.add(runner);
        if (Date.now() - lastSaid >= 60_000) {
          lastSaid = Date.now();
          this.logger.warn(
            `${consumer}: cannot start yet (${String(error)}); retrying quietly, said again in a minute if still so`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffMs(attempt, 200, 10_000));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private discoverHandlers(): {
    meta: OnEventMetadata;
    fn: EventHandlerFn<OnEventMetadata['event']>;
  }[] {
    const found: { meta: OnEventMetadata; fn: EventHandlerFn<OnEventMetadata['event']> }[] = [];
    const consumers = new Set<string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        const meta = this.reflector.get<OnEventMetadata | undefined>(ON_EVENT_METADATA, method);
        if (!meta) continue;
        // Two handlers on one durable would split the events between them.
        if (consumers.has(meta.consumer))
          throw new Error(`two @OnEvent handlers share consumer "${meta.consumer}"`);
        consumers.add(meta.consumer);
        found.push({
          meta,
          fn: (event, em) =>
            (method as EventHandlerFn<OnEventMetadata['event']>).call(instance, event, em),
        });
      }
    }
    return found;
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connect({
              servers: options.natsUrl,
              maxReconnectAttempts: -1,
              ...serviceConnectOptions(options.producer, options.natsCredentials),
            }),
        },
        {
          provide: JETSTREAM,
          useFactory: (nc: NatsConnection) => jetstream(nc),
          inject: [NATS_CONNECTION],
        },
        {
          provide: JETSTREAM_MANAGER,
          useFactory: (nc: NatsConnection) => jetstreamManager(nc),
          inject: [NATS_CONNECTION],
        },
        MessagingRuntime,
      ],
      exports: [NATS_CONNECTION, JETSTREAM, JETSTREAM_MANAGER, MessagingRuntime, MESSAGING_OPTIONS],
    };
  }
}
