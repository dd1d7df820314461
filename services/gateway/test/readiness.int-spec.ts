import { generateKeyPairSync } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { eventually, PrivateNatsServer, testEnvironment, testIdentityKeys } from '@boucle/testing';
import { createGatewayApp } from '../src/app.js';
import { loadGatewayConfig } from '../src/config/gateway.config.js';

/*
 * A gateway without NATS can answer nothing: its load balancer must stop sending people to
 * it until NATS is back, while it stays alive (a restart would not bring NATS back).
 */
describe('gateway readiness', () => {
  let nats: PrivateNatsServer;
  let gateway: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    nats = await PrivateNatsServer.start();
    gateway = await createGatewayApp(
      loadGatewayConfig({
        NATS_URL: nats.url,
        REDIS_URL: testEnvironment().redisUrl,
        AUTH_ISSUER: 'https://id.example',
        AUTH_AUDIENCE: 'boucle',
        AUTH_PUBLIC_KEYS: generateKeyPairSync('ed25519')
          .publicKey.export({ type: 'spki', format: 'pem' })
          .toString(),
        IDENTITY_PRIVATE_KEY: testIdentityKeys().privateKeyPem,
        LOG_LEVEL: 'fatal',
      }),
    );
    await gateway.listen(0, '127.0.0.1');
    base = await gateway.getUrl();
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await nats?.dispose();
  }, 30_000);

  const status = async (path: string) => (await fetch(`${base}${path}`)).status;

  it('should be ready with NATS, unready without it while alive, and ready again when it returns', async () => {
    expect(await status('/health/ready')).toBe(200);

    await nats.kill();
    await eventually(async () => expect(await status('/health/ready')).toBe(503), {
      timeoutMs: 15_000,
    });
    expect(await status('/health/live')).toBe(200);

    await nats.restart();
    await eventually(async () => expect(await status('/health/ready')).toBe(200), {
      timeoutMs: 30_000,
    });
  }, 60_000);
});
