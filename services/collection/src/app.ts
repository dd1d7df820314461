import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@boucle/service';
import { AppModule, type CollectionAppOptions } from './app.module.js';
import type { CollectionConfig } from './config/collection.config.js';

/** The collection service: HTTP for health and metrics, NATS request/reply for commands. */
export function createCollectionApp(
  config: CollectionConfig,
  options: CollectionAppOptions = {},
): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config, options), {
    service: 'collection',
    natsUrl: config.NATS_URL,
    subjectPrefix: config.SUBJECT_PREFIX,
    identityPublicKeys: config.IDENTITY_PUBLIC_KEYS,
  });
}
