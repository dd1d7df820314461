import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';

export const GATEWAY_NATS = Symbol('GATEWAY_NATS');

/**
 * Whether this gateway should get traffic: it answers nothing useful without NATS, and
 * once it is stopping its load balancer should send people elsewhere. Redis is not part
 * of it: rate limits go ahead without Redis, and so does the API.
 */
@Injectable()
export class Readiness implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private disconnected = false;
  private stopping = false;

  constructor(@Inject(GATEWAY_NATS) private readonly nc: NatsConnection) {}

  onModuleInit(): void {
    void (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === 'disconnect') this.disconnected = true;
        if (status.type === 'reconnect') this.disconnected = false;
      }
    })();
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  /** Why not ready, or null when ready. */
  reason(): string | null {
    if (this.stopping) return 'stopping';
    if (this.nc.isClosed() || this.nc.isDraining()) return 'NATS connection closed';
    if (this.disconnected) return 'NATS disconnected, reconnecting';
    return null;
  }
}
