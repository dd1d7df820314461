import { Module, type DynamicModule } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import { IdentitySigner, RpcClient } from '@boucle/messaging';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from '@boucle/service';
import { Authenticator } from './auth/authenticator.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { Dispatcher, RPC_CLIENT } from './routes/dispatcher.js';

export const NATS = Symbol('NATS');

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
            connect({ servers: config.NATS_URL, maxReconnectAttempts: -1, name: 'boucle-gateway' }),
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
        Dispatcher,
      ],
      exports: [NATS],
    };
  }
}
