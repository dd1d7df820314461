import { readyReport } from '@boucle/testing';
import { loadMatchingConfig } from '../src/config/matching.config.js';
import { startMatching, type MatchingHarness } from './harness.js';

describe('matching service', () => {
  let h: MatchingHarness;
  let base: string;

  beforeAll(async () => {
    h = await startMatching();
    base = (await h.app.getUrl()).replace('[::1]', 'localhost');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('should be live, ready once PostgreSQL, NATS with its consumers and Redis answer, and show its metrics', async () => {
    const live = await fetch(`${base}/health/live`);
    const metrics = await (await fetch(`${base}/metrics`)).text();

    expect(live.status).toBe(200);
    expect(await readyReport(base)).toMatchObject({
      status: 'ok',
      info: { postgresql: { status: 'up' }, nats: { status: 'up' }, redis: { status: 'up' } },
    });
    expect(metrics).toContain('service="matching"');
  });

  it('should refuse to start in production without its own keys, naming the variable', () => {
    const environment = {
      NODE_ENV: 'production',
      DATABASE_URL: h.config.DATABASE_URL,
      NATS_URL: h.config.NATS_URL,
      REDIS_URL: h.config.REDIS_URL,
      IDENTITY_PUBLIC_KEYS: h.config.IDENTITY_PUBLIC_KEYS.join('\n'),
    };

    expect(() => loadMatchingConfig(environment)).toThrow(/PERSONAL_DATA_KEYS: is required/);
    expect(() => loadMatchingConfig({ ...environment, PERSONAL_DATA_KEYS: 'k1:c2hvcnQ=' })).toThrow(
      /PERSONAL_DATA_KEYS: must be id:key pairs/,
    );
    expect(
      loadMatchingConfig({
        ...environment,
        PERSONAL_DATA_KEYS: `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`,
      }).PERSONAL_DATA_KEYS.map((k) => k.id),
    ).toEqual(['k2', 'k1']);
  });
});
