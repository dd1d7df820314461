import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@boucle/service';
import { AppModule, type MatchingAppOptions } from './app.module.js';
import type { MatchingConfig } from './config/matching.config.js';

/** The matching service: HTTP for health and metrics, NATS request/reply for commands. */
export function createMatchingApp(
  config: MatchingConfig,
  options: MatchingAppOptions = {},
): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config, options), {
    service: 'matching',
    natsUrl: config.NATS_URL,
    subjectPrefix: config.SUBJECT_PREFIX,
    identityPublicKeys: config.IDENTITY_PUBLIC_KEYS,
  });
}
