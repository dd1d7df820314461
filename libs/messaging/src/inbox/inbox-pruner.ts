import type { JetStreamManager } from '@nats-io/jetstream';
import { millis } from '@nats-io/transport-node';
import type { Producer } from '@boucle/contracts';
import type { MikroORM } from '@boucle/database';
import { INBOX_TABLE } from '../migrations.js';
import type { Naming } from '../naming.js';

export interface InboxPrunerOptions {
  orm: MikroORM;
  jsm: JetStreamManager;
  naming: Naming;
  /** The producers whose events this service consumes; rows of any other producer are left alone. */
  producers: readonly Producer[];
  /** Rows are kept at least this long; the streams can only make it longer. */
  retentionMs?: number;
  /** Added to the streams' max ages: the broker's and the database's clocks differ, deliveries lag. */
  marginMs?: number;
  /** Rows deleted per statement, and how long one run may take: it never holds the table long. */
  batchSize?: number;
  budgetMs?: number;
  /** A stream whose settings could not be read (its producer's rows are kept this run). */
  onError?: (error: unknown) => void;
}

const DAY_MS = 24 * 3600_000;

/**
 * Deletes old inbox rows, a bounded number per statement and for a bounded time.
 *
 * A row is kept while a copy of its event can still reach its consumer. A
 * consumer that is deleted and re-created replays its stream from the start, so a
 * row is kept for the max age of its producer's stream; an event dead-lettered
 * near the end of that can be re-driven to every consumer of its subject while the
 * dead-letter stream keeps it, so that stream's max age is added, plus a margin. A
 * stream that cannot be read, or keeps messages forever, prunes nothing.
 * `messaging_aggregate_applied` is never pruned: it is the latest-wins guard's state.
 */
export class InboxPruner {
  private readonly retentionMs: number;
  private readonly marginMs: number;
  private readonly batchSize: number;
  private readonly budgetMs: number;
  private readonly producers: readonly Producer[];
  /** Each run starts with the next producer, so one producer's backlog never starves the others. */
  private turn = 0;

  constructor(private readonly options: InboxPrunerOptions) {
    this.retentionMs = options.retentionMs ?? 0;
    this.marginMs = options.marginMs ?? DAY_MS;
    this.batchSize = options.batchSize ?? 5_000;
    this.budgetMs = options.budgetMs ?? 2_000;
    this.producers = [...new Set(options.producers)];
  }

  /** Returns how many rows went. */
  async prune(): Promise<number> {
    const deadline = Date.now() + this.budgetMs;
    const keep = await this.retentions();
    const count = this.producers.length;
    const first = this.turn++;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const producer = this.producers[(first + i) % count]!;
      const keepMs = keep.get(producer);
      if (keepMs === undefined) continue;
      for (;;) {
        const deleted = await this.deleteBatch(producer, keepMs);
        total += deleted;
        if (Date.now() >= deadline) return total;
        if (deleted < this.batchSize) break;
      }
    }
    return total;
  }

  /** How long each producer's rows must stay; a producer missing here is not pruned this run. */
  private async retentions(): Promise<Map<Producer, number>> {
    const keep = new Map<Producer, number>();
    const deadLetterMaxAge = await this.maxAgeMs(this.options.naming.deadLetterStream());
    if (deadLetterMaxAge === undefined) return keep;
    await Promise.all(
      this.producers.map(async (producer) => {
        const maxAge = await this.maxAgeMs(this.options.naming.stream(producer));
        if (maxAge === undefined) return;
        // An event may be dead-lettered near the end of its stream's life and re-driven near
        // the end of the dead letter's: a consumer must still know it then.
        keep.set(producer, Math.max(this.retentionMs, maxAge + deadLetterMaxAge + this.marginMs));
      }),
    );
    return keep;
  }

  /** Undefined when unknown or unlimited: nothing may be pruned against it. */
  private async maxAgeMs(stream: string): Promise<number | undefined> {
    try {
      const { config } = await this.options.jsm.streams.info(stream);
      return config.max_age > 0 ? millis(config.max_age) : undefined;
    } catch (error) {
      this.options.onError?.(
        new Error(
          `inbox: cannot read stream ${stream}, keeping its rows this run: ${String(error)}`,
        ),
      );
      return undefined;
    }
  }

  private async deleteBatch(producer: Producer, keepMs: number): Promise<number> {
    // No ORDER BY: every row found is due, and the BRIN index on processed_at cannot sort.
    // SKIP LOCKED lets the replicas of a service prune side by side.
    const [row] = await this.options.orm.em.fork().execute<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM ${INBOX_TABLE}
          WHERE (consumer, event_id) IN (
            SELECT consumer, event_id FROM ${INBOX_TABLE}
             WHERE processed_at < clock_timestamp() - ?::float8 * interval '1 millisecond'
               AND split_part(subject, '.', 1) = ?
             LIMIT ?
             FOR UPDATE SKIP LOCKED)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [keepMs, producer, this.batchSize],
    );
    return row?.n ?? 0;
  }
}
