import { runService } from '@boucle/service';
import { createMatchingApp } from './app.js';
import { loadMatchingConfig } from './config/matching.config.js';

await runService(
  () => loadMatchingConfig(),
  (config) => createMatchingApp(config),
);
