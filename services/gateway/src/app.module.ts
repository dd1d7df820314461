import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { IdentitySigner, RpcClient, serviceConnectOptions } from '@boucle/messaging';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from '@boucle/service';
import { Authenticator } from './auth/authenticator.js';
import { GATEWAY_NATS, Readiness } from './health/readiness.js';
import { RateLimiter } from './limits/rate-limiter.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { Dispatcher, RPC_CLIENT } from './routes/dispatcher.js';
import { eventProviders } from './events/events.providers.js';

export const NATS = Symbol('NATS');

/** The connection to NATS goes last, once no request is in flight. */
class CloseNats implements OnApplicationShutdown {
  constructor(@Inject(NATS) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [LoggerModule.forRoot(loggerParams('gateway', config.LOG_LEVEL))],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        {
          provide: NATS,
          useFactory: () =>
            connect({
              servers: config.NATS_URL,
              maxReconnectAttempts: -1,
              ...serviceConnectOptions('gateway', {
                user: config.NATS_USER,
                password: config.NATS_PASSWORD,
              }),
            }),
        },
        {
          provide: RPC_CLIENT,
          useFactory: (nc: Awaited<ReturnType<typeof connect>>) =>
            new RpcClient(
              nc,
              config.SUBJECT_PREFIX,
              config.REQUEST_TIMEOUT_MS,
              new IdentitySigner(config.IDENTITY_PRIVATE_KEY),
            ),
          inject: [NATS],
        },
        Authenticator,
        RateLimiter,
        { provide: GATEWAY_NATS, useExisting: NATS },
        Readiness,
        Dispatcher,
        ...eventProviders(NATS),
        CloseNats,
      ],
      exports: [NATS],
    };
  }
}
