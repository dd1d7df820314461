import { ServerNats, type NatsOptions } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';

type NatsServerOptions = NonNullable<NatsOptions['options']>;

/**
 * Nest's NATS request/reply server with every subject under a prefix: empty in
 * production, unique per test file so that test files sharing one NATS server
 * never answer each other's requests. Handlers keep their contract subjects.
 */
export class RpcServer extends ServerNats {
  private readonly prefixed: Subscription[] = [];

  constructor(
    private readonly natsOptions: NatsServerOptions,
    private readonly prefix: string,
  ) {
    super(natsOptions);
  }

  override bindEvents(client: NatsConnection): void {
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

  override async close(): Promise<void> {
    for (const subscription of this.prefixed.splice(0)) subscription.unsubscribe();
    await super.close();
  }
}
