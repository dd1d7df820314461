import { readyReport } from '@boucle/testing';
import { startCollection, type CollectionHarness } from './harness.js';

describe('collection service', () => {
  let h: CollectionHarness;
  let base: string;

  beforeAll(async () => {
    h = await startCollection();
    base = (await h.app.getUrl()).replace('[::1]', 'localhost');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('should be live, ready once PostgreSQL, NATS with its consumer and Redis answer, and show its queues', async () => {
    const live = await fetch(`${base}/health/live`);
    const metrics = await (await fetch(`${base}/metrics`)).text();

    expect(live.status).toBe(200);
    expect(await readyReport(base)).toMatchObject({
      status: 'ok',
      info: { postgresql: { status: 'up' }, nats: { status: 'up' }, redis: { status: 'up' } },
    });
    for (const queue of ['collection-planning', 'collection-points', 'collection-followups'])
      expect(metrics).toContain(`queue="${queue}"`);
    expect(metrics).toContain('service="collection"');
  });
});
