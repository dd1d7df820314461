import { ServerNats, type NatsOptions } from '@nestjs/microservices';

type NatsServerOptions = NonNullable<NatsOptions['options']>;
type Client = Parameters<ServerNats['bindEvents']>[0];
type Subscription = ReturnType<Client['subscribe']>;

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

  override bindEvents(client: Client): void {
    const queue = this.natsOptions['queue'] as string | undefined;
    for (const [pattern, handler] of this.messageHandlers) {
      const handlerQueue = handler.extras?.['queue'] as string | undefined;
      this.prefixed.push(
        client.subscribe(this.prefix + pattern, {
          ...((handlerQueue ?? queue) ? { queue: handlerQueue ?? queue } : {}),
          callback: this.getMessageHandler(pattern).bind(this),
        }),
      );
    }
  }

  override async close(): Promise<void> {
    for (const subscription of this.prefixed.splice(0)) subscription.unsubscribe();
    await super.close();
  }
}
