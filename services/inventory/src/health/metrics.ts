import { collectDefaultMetrics, Registry } from 'prom-client';

export { Registry };
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** One registry per application instance, so that tests can start several. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'inventory' });
  collectDefaultMetrics({ register: registry });
  return registry;
}
