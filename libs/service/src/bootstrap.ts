import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { Registry } from 'prom-client';
import { ConfigError } from '@boucle/config';
import { MikroORM } from '@boucle/database';
import {
  CommandLog,
  groupCommitMetrics,
  IdentityVerifier,
  MessagingRuntime,
  RpcServer,
  rpcRequestMetrics,
  serviceConnectOptions,
  type NatsCredentials,
} from '@boucle/messaging';
import type { ServiceOptions } from './service.module.js';
import { METRICS_REGISTRY, SERVICE_OPTIONS } from './tokens.js';

export interface ServiceAppOptions {
  /** The service's name, also its request/reply queue group shared by its replicas. */
  service: string;
  natsUrl: string;
  /** Defaults to the `NATS_USER` / `NATS_PASSWORD` of the config given to `ServiceModule`. */
  natsCredentials?: NatsCredentials;
  subjectPrefix: string;
  /** The gateway's public keys, which sign who is calling. */
  identityPublicKeys: readonly string[];
}

/**
 * A service's application: HTTP for health and metrics, NATS request/reply for its
 * commands and queries (each answered in its work context, commands acting once per
 * command id), JSON logs, and a graceful stop on SIGTERM that exits 0.
 */
export async function createServiceApp(
  module: DynamicModule,
  options: ServiceAppOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const { config } = app.get<ServiceOptions>(SERVICE_OPTIONS);
  const rpc = new RpcServer({
    nats: {
      servers: options.natsUrl,
      queue: options.service,
      maxReconnectAttempts: -1,
      // The same user and inbox as the service's MessagingModule connection.
      ...serviceConnectOptions(
        options.service,
        options.natsCredentials ?? { user: config.NATS_USER, password: config.NATS_PASSWORD },
      ),
    },
    prefix: options.subjectPrefix,
    onReply: rpcRequestMetrics(app.get<Registry>(METRICS_REGISTRY)),
    commandLog: new CommandLog(app.get(MikroORM), {
      ...(config.GROUP_COMMIT_LANES
        ? {
            groupCommit: {
              lanes: config.GROUP_COMMIT_LANES,
              onCommit: groupCommitMetrics(app.get<Registry>(METRICS_REGISTRY)),
            },
          }
        : {}),
    }),
    identity: new IdentityVerifier(options.identityPublicKeys),
  });
  app.connectMicroservice({ strategy: rpc }, { inheritAppConfig: true });
  // Requests stop first, so that those in hand are answered before the backbone stops.
  app.get(MessagingRuntime).stopFirst(() => rpc.drain());
  // Exit 0 after a graceful stop, rather than re-raising the signal (143).
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.init();
  await app.startAllMicroservices();
  return app;
}

/**
 * The body of a service's `main.ts`: a configuration error is said in one line and
 * exits 78 (EX_CONFIG), so that a supervisor does not restart it in a loop.
 */
export async function runService<TConfig extends { HTTP_PORT: number }>(
  loadConfig: () => TConfig,
  create: (config: TConfig) => Promise<INestApplication>,
): Promise<void> {
  let config: TConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const app = await create(config);
  await app.listen(config.HTTP_PORT);
}
