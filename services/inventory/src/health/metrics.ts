import { getQueueToken } from '@nestjs/bullmq';
import type { FactoryProvider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { MessagingRuntime } from '@boucle/messaging';
import { METRICS_REGISTRY } from '../common/metrics.js';
import { HOLDS_QUEUE } from '../holds/holds.jobs.js';
import { LOTS_QUEUE } from '../lots/lots.jobs.js';

export { Registry, METRICS_REGISTRY };

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * One registry per application instance, so that tests can start several: the
 * process defaults, the event backbone's gauges, and the depth of each queue.
 */
export function createMetricsRegistry(messaging: MessagingRuntime, ...queues: Queue[]): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'inventory' });
  collectDefaultMetrics({ register: registry });
  messaging.registerMetrics(registry);
  new Gauge({
    name: 'boucle_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (waiting, delayed, active, failed).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      // A queue whose counts Redis does not give is left out of this scrape, not the others.
      const counts = await Promise.all(
        queues.map((queue) =>
          queue.getJobCounts(...QUEUE_STATES).then(
            (byState) => ({ queue: queue.name, byState }),
            () => null,
          ),
        ),
      );
      this.reset();
      for (const entry of counts) {
        if (!entry) continue;
        for (const state of QUEUE_STATES)
          this.set({ queue: entry.queue, state }, entry.byState[state] ?? 0);
      }
    },
  });
  return registry;
}

export const metricsRegistryProvider: FactoryProvider<Registry> = {
  provide: METRICS_REGISTRY,
  useFactory: createMetricsRegistry,
  inject: [MessagingRuntime, getQueueToken(HOLDS_QUEUE), getQueueToken(LOTS_QUEUE)],
};
