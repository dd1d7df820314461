import { Registry, type Histogram } from 'prom-client';
import { rpcRequestMetrics } from './rpc-metrics.js';

describe(rpcRequestMetrics.name, () => {
  async function counts(registry: Registry): Promise<Record<string, number>> {
    const histogram = registry.getSingleMetric('boucle_rpc_request_duration_seconds') as Histogram;
    const metric = await histogram.get();
    return Object.fromEntries(
      metric.values
        .filter((v) => v.metricName === 'boucle_rpc_request_duration_seconds_count')
        .map((v) => [`${v.labels['subject']} ${v.labels['outcome']}`, v.value]),
    );
  }

  it('should label each answer ok or with the error code the caller received', async () => {
    const registry = new Registry();
    const sut = rpcRequestMetrics(registry);

    sut({ subject: 'rpc.inventory.hold.place', error: undefined, seconds: 0.01 });
    sut({
      subject: 'rpc.inventory.hold.place',
      error: { code: 'insufficient-quantity', message: 'not enough stock' },
      seconds: 0.02,
    });
    sut({ subject: 'rpc.inventory.hold.place', error: { code: 'internal' }, seconds: 0.5 });

    expect(await counts(registry)).toEqual({
      'rpc.inventory.hold.place ok': 1,
      'rpc.inventory.hold.place insufficient-quantity': 1,
      'rpc.inventory.hold.place internal': 1,
    });
  });

  it('should answer internal for an error outside the contract, so the label stays bounded', async () => {
    const registry = new Registry();
    const sut = rpcRequestMetrics(registry);

    sut({ subject: 'rpc.inventory.intake.record', error: { code: 'ECONNRESET' }, seconds: 1 });
    sut({
      subject: 'rpc.inventory.intake.record',
      error: 'There is no matching handler',
      seconds: 1,
    });

    expect(await counts(registry)).toEqual({ 'rpc.inventory.intake.record internal': 2 });
  });
});
