import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import pg from 'pg';
import { backoffMs } from '../backoff.js';
import { OUTBOX_CHANNEL, OUTBOX_TABLE } from '../migrations.js';
import type { Naming } from '../naming.js';

export interface OutboxRelayOptions {
  /** The producing service's database (the one its outbox lives in). */
  databaseUrl: string;
  js: JetStreamClient;
  naming: Naming;
  /** Rows claimed and published together; their publishes are all in flight at once. */
  batchSize?: number;
  /** The timed poll that backs up LISTEN/NOTIFY. */
  pollIntervalMs?: number;
  publishTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Sent rows are kept this long for inspection, then deleted. */
  retentionMs?: number;
  onError?: (error: unknown) => void;
  /** Observation and fault-injection point: after the broker's acks, before rows are marked sent. */
  hooks?: { afterPublish?: (acknowledged: number) => Promise<void> };
}

interface PendingRow {
  id: string;
  event_id: string;
  subject: string;
  payload: string;
  attempts: number;
}

/**
 * Publishes committed outbox rows to JetStream.
 *
 * Rows are claimed with `FOR UPDATE SKIP LOCKED` inside a transaction that stays
 * open until their publishes are acknowledged, so several relays never publish
 * the same row at once. A row is marked sent only after the broker's ack; if the
 * relay dies between the ack and the commit, the row is published again with the
 * same `Nats-Msg-Id` and the stream's duplicate window stores it once. Rows are
 * picked by state, not by a high-water mark, so a row whose transaction commits
 * after a later one is never skipped.
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private listener: pg.Client | undefined;
  private running = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private woken = false;
  private lastCleanup = 0;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly publishTimeoutMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly retentionMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 256;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.pool = new pg.Pool({ ...connectionSettings(options.databaseUrl), max: 2 });
    this.pool.on('error', (error) => this.reportError(error));
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.listen();
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in hand, then stops; unpublished rows stay pending for the next relay. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    this.notify();
    await this.loop;
    this.loop = undefined;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.pool.end();
  }

  /** Publishes every row that is due now (until stopped); returns how many were acknowledged. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, published } = await this.publishBatch();
      total += published;
      if (claimed < this.batchSize || (this.loop !== undefined && !this.running)) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let idle = true;
      try {
        idle = (await this.drain()) === 0;
        await this.cleanup();
      } catch (error) {
        this.reportError(error);
      }
      if (this.running && idle) await this.waitForWork();
    }
  }

  private async publishBatch(): Promise<{ claimed: number; published: number }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<PendingRow>(
        `SELECT id, event_id, subject, payload::text AS payload, attempts
           FROM ${OUTBOX_TABLE}
          WHERE sent_at IS NULL AND next_attempt_at <= clock_timestamp()
          ORDER BY id
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return { claimed: 0, published: 0 };
      }
      const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
      const sent: string[] = [];
      const failed: { id: string; delay: number; error: string }[] = [];
      results.forEach((result, i) => {
        const row = rows[i]!;
        if (result.status === 'fulfilled') sent.push(row.id);
        else
          failed.push({
            id: row.id,
            delay: backoffMs(row.attempts, this.retryBaseMs, this.retryMaxMs),
            error: String((result.reason as Error)?.message ?? result.reason).slice(0, 1000),
          });
      });
      await this.options.hooks?.afterPublish?.(sent.length);
      if (sent.length > 0) {
        await client.query(
          `UPDATE ${OUTBOX_TABLE} SET sent_at = clock_timestamp() WHERE id = ANY($1::bigint[])`,
          [sent],
        );
      }
      if (failed.length > 0) {
        await client.query(
          `UPDATE ${OUTBOX_TABLE} o
              SET attempts = o.attempts + 1,
                  next_attempt_at = clock_timestamp() + f.delay * interval '1 millisecond',
                  last_error = f.error
             FROM unnest($1::bigint[], $2::int[], $3::text[]) AS f(id, delay, error)
            WHERE o.id = f.id`,
          [failed.map((f) => f.id), failed.map((f) => f.delay), failed.map((f) => f.error)],
        );
        this.reportError(
          new Error(`outbox: ${failed.length} publish(es) failed, retrying: ${failed[0]!.error}`),
        );
      }
      await client.query('COMMIT');
      return { claimed: rows.length, published: sent.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async publish(row: PendingRow): Promise<void> {
    const headers = natsHeaders();
    headers.set('Content-Type', 'application/json');
    await this.options.js.publish(this.options.naming.subject(row.subject), row.payload, {
      msgID: row.event_id,
      timeout: this.publishTimeoutMs,
      headers,
    });
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.pool.query(
      `DELETE FROM ${OUTBOX_TABLE} WHERE sent_at < clock_timestamp() - $1 * interval '1 millisecond'`,
      [this.retentionMs],
    );
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(connectionSettings(this.options.databaseUrl));
    client.on('notification', () => this.notify());
    // A lost LISTEN connection is not fatal: the timed poll carries on and we reconnect.
    const forget = () => {
      if (this.listener === client) this.listener = undefined;
    };
    client.on('error', (error) => {
      this.reportError(error);
      forget();
      void client.end().catch(() => undefined);
    });
    client.on('end', forget);
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listener = client;
  }

  private async waitForWork(): Promise<void> {
    if (!this.listener && this.running) {
      await this.listen().catch((error: unknown) => this.reportError(error));
    }
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
    this.wake = undefined;
    this.woken = false;
  }

  private notify(): void {
    this.woken = true;
    this.wake?.();
  }

  private reportError(error: unknown): void {
    this.options.onError?.(error);
  }
}

/**
 * The relay holds row locks while it publishes: a relay whose host vanishes must
 * not keep them for the hours TCP takes to notice, and no query may hang the loop.
 */
function connectionSettings(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    query_timeout: 30_000,
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  };
}
