import { getQueueToken } from '@nestjs/bullmq';
import type { FactoryProvider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { MessagingRuntime } from '@boucle/messaging';
import { METRICS_REGISTRY, SERVICE_OPTIONS } from './tokens.js';
import type { ServiceOptions } from './service.module.js';

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * One registry per application instance, so that tests can start several: the
 * process defaults, the event backbone's gauges, and the depth of each queue, all
 * labelled with the service's name.
 */
export function createMetricsRegistry(
  service: string,
  messaging: MessagingRuntime,
  queues: () => Queue[],
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
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
        queues().map((queue) =>
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
  useFactory: (options: ServiceOptions, messaging: MessagingRuntime, moduleRef: ModuleRef) => {
    // Looked up when scraped: the queues belong to feature modules built after this one. A
    // queue that cannot be found is left out of the scrape, not the whole scrape.
    const queues = () =>
      (options.queues ?? []).flatMap((name) => {
        try {
          return [moduleRef.get<Queue>(getQueueToken(name), { strict: false })];
        } catch {
          return [];
        }
      });
    return createMetricsRegistry(options.service, messaging, queues);
  },
  inject: [SERVICE_OPTIONS, MessagingRuntime, ModuleRef],
};
