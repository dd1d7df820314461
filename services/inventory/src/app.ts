import type { INestApplication } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { createServiceApp } from '@boucle/service';
import { AppModule } from './app.module.js';
import type { InventoryConfig } from './config/inventory.config.js';

/** The inventory service: HTTP for health and metrics, NATS request/reply for commands. */
export function createInventoryApp(
  config: InventoryConfig,
  logDestination?: DestinationStream,
): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config, logDestination), {
    service: 'inventory',
    natsUrl: config.NATS_URL,
    subjectPrefix: config.SUBJECT_PREFIX,
    identityPublicKeys: config.IDENTITY_PUBLIC_KEYS,
  });
}
