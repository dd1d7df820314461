import { ServerNats, type NatsContext, type NatsOptions } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';

type NatsServerOptions = NonNullable<NatsOptions['options']>;

/** Told of every answer sent: its contract subject, the error answered if any, and how long it took. */
export type RpcReplyObserver = (reply: {
  subject: string;
  error: unknown;
  seconds: number;
}) => void;

/**
 * Nest's NATS request/reply server with every subject under a prefix: empty in
 * production, unique per test file so that test files sharing one NATS server
 * never answer each other's requests. Handlers keep their contract subjects.
 */
export class RpcServer extends ServerNats {
  private readonly prefixed: Subscription[] = [];
  private bound: NatsConnection | undefined;

  constructor(
    private readonly natsOptions: NatsServerOptions,
    private readonly prefix: string,
    private readonly onReply?: RpcReplyObserver,
  ) {
    super(natsOptions);
  }

  /**
   * Ready only once the broker has our subscriptions: they are buffered in the client,
   * and a request sent on another connection right after start would otherwise find
   * no responder.
   */
  override start(callback: (error?: unknown) => void): void {
    super.start((error?: unknown) => {
      if (error !== undefined || !this.bound) return callback(error);
      this.bound.flush().then(() => callback(), callback);
    });
  }

  override bindEvents(client: NatsConnection): void {
    this.bound = client;
    const queue: unknown = this.natsOptions['queue'];
    for (const [pattern, handler] of this.messageHandlers) {
      const chosen: unknown = handler.extras?.['queue'] ?? queue;
      const callback = this.getMessageHandler(pattern).bind(this) as (
        error: Error | null,
        msg: Msg,
      ) => void;
      this.prefixed.push(
        client.subscribe(this.prefix + pattern, {
          ...(typeof chosen === 'string' ? { queue: chosen } : {}),
          callback,
        }),
      );
    }
  }

  /**
   * Observed where the answer leaves, not in an interceptor: interceptors run inside
   * the controllers' exception filters, so only here is the error the one the caller
   * receives (a database guard answered as `insufficient-quantity`, not `internal`).
   */
  override getPublisher(
    natsMsg: Msg,
    id: string,
    ctx: NatsContext,
  ): (response: unknown) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx);
    const onReply = this.onReply;
    if (!onReply || !natsMsg.reply) return publish;
    const started = performance.now();
    const subject = natsMsg.subject.startsWith(this.prefix)
      ? natsMsg.subject.slice(this.prefix.length)
      : natsMsg.subject;
    let observed = false;
    return (response: unknown) => {
      // The first packet of an answer is the one the caller waits for.
      if (!observed) {
        observed = true;
        const { err } = (response ?? {}) as { err?: unknown };
        onReply({
          subject,
          error: err ?? undefined,
          seconds: (performance.now() - started) / 1000,
        });
      }
      return publish(response) as unknown;
    };
  }

  override async close(): Promise<void> {
    for (const subscription of this.prefixed.splice(0)) subscription.unsubscribe();
    await super.close();
  }
}
