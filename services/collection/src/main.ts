import { runService } from '@boucle/service';
import { createCollectionApp } from './app.js';
import { loadCollectionConfig } from './config/collection.config.js';

await runService(
  () => loadCollectionConfig(),
  (config) => createCollectionApp(config),
);
