import { runService } from '@boucle/service';
import { createGatewayApp } from './app.js';
import { loadGatewayConfig } from './config/gateway.config.js';

await runService(
  () => loadGatewayConfig(),
  (config) => createGatewayApp(config),
);
