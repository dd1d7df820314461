import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, LogLevel } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { RpcServer, rpcRequestMetrics } from '@boucle/messaging';
import { AppModule } from './app.module.js';
import { METRICS_REGISTRY } from './common/metrics.js';
import type { InventoryConfig } from './config/inventory.config.js';

const LEVELS: Record<InventoryConfig['LOG_LEVEL'], LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** The inventory service: HTTP for health and metrics, NATS request/reply for commands. */
export async function createInventoryApp(config: InventoryConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: LEVELS[config.LOG_LEVEL],
  });
  app.connectMicroservice(
    {
      strategy: new RpcServer(
        { servers: config.NATS_URL, queue: 'inventory', maxReconnectAttempts: -1 },
        config.SUBJECT_PREFIX,
        rpcRequestMetrics(app.get<Registry>(METRICS_REGISTRY)),
      ),
    },
    { inheritAppConfig: true },
  );
  // Exit 0 after a graceful stop, rather than re-raising the signal (143).
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.init();
  await app.startAllMicroservices();
  return app;
}
