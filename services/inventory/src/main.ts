import { runService } from '@boucle/service';
import { createInventoryApp } from './app.js';
import { loadInventoryConfig } from './config/inventory.config.js';

await runService(
  () => loadInventoryConfig(),
  (config) => createInventoryApp(config),
);
