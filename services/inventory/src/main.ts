import { ConfigError } from '@boucle/config';
import { createInventoryApp } from './app.js';
import { loadInventoryConfig } from './config/inventory.config.js';

try {
  const config = loadInventoryConfig();
  const app = await createInventoryApp(config);
  await app.listen(config.HTTP_PORT);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}
