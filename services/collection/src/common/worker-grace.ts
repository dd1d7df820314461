import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { COLLECTION_CONFIG, type CollectionConfig } from '../config/collection.config.js';

const sleep = (ms: number) =>
  new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms).unref());

/**
 * At shutdown every BullMQ worker stops taking jobs and gets WORKER_GRACE_MS to finish
 * those in hand. Past it, their jobs are cancelled: a processor that takes the abort
 * signal hands its job back to the queue (delayed, no attempt used), so the next start
 * finds no stalled job to wait out. Runs before the application's shutdown hooks close
 * the database the jobs still need.
 */
@Injectable()
export class WorkerGrace implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerGrace.name);

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(COLLECTION_CONFIG) private readonly config: CollectionConfig,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    await Promise.all(workers.map((worker) => this.closeWithinGrace(worker)));
  }

  private async closeWithinGrace(worker: Worker): Promise<void> {
    const grace = this.config.WORKER_GRACE_MS;
    const closing = worker.close().then(() => 'closed' as const);
    if ((await Promise.race([closing, sleep(grace)])) === 'closed') return;
    this.logger.warn(`${worker.name}: jobs still running after ${grace} ms; handing them back`);
    worker.cancelAllJobs('shutdown');
    if ((await Promise.race([closing, sleep(grace)])) === 'closed') return;
    // A processor that ignores its signal: its job stays active until its lock expires.
    this.logger.error(
      `${worker.name}: a job ignored its cancellation; it will be retried as stalled`,
    );
  }
}
