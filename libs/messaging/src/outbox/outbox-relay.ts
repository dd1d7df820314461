import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import pg from 'pg';
import type { MikroORM } from '@boucle/database';
import { backoffMs } from '../backoff.js';
import { bindLocalRelay } from './local-wake.js';
import { OUTBOX_CHANNEL, OUTBOX_TABLE } from '../migrations.js';
import type { Naming } from '../naming.js';

export interface OutboxRelayOptions {
  /** The producing service's database (the one its outbox lives in). */
  databaseUrl: string;
  js: JetStreamClient;
  naming: Naming;
  /**
   * The ORM this process records its events with, when it does: its commits then wake the
   * relay themselves, without a NOTIFY (local-wake.ts).
   */
  orm?: MikroORM;
  /** Rows claimed and published together; their publishes are all in flight at once. */
  batchSize?: number;
  /** The timed poll that backs up LISTEN/NOTIFY. */
  pollIntervalMs?: number;
  /**
   * After a batch that was not full, how long the relay lets rows gather before claiming
   * again (4 ms). A claim costs the database the same for one row as for a hundred: under
   * load, claiming again at once publishes a row or two per claim, and the claims take
   * more of the database than the changes they publish. An event waits that much longer.
   */
  lingerMs?: number;
  publishTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Sent rows are kept this long for inspection, then deleted. */
  retentionMs?: number;
  /** Sent rows deleted per statement, and how long one clean-up may take: it never holds the table long. */
  pruneBatchSize?: number;
  pruneBudgetMs?: number;
  /** A row still unpublished after this many attempts is reported, once, as stuck. */
  alertAfterAttempts?: number;
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
  aggregate: string | null;
  aggregate_id: string | null;
}

interface ClaimedRow extends PendingRow {
  may_go: boolean;
}

/**
 * A batch's claim in one statement: the due rows, locked, each with whether it may go now
 * without overtaking an earlier event of its aggregate. A row goes only if every pending
 * row of its aggregate with a lower id is among those claimed here: rows another relay is
 * publishing stay pending until it commits, and a row waiting for its retry is pending
 * too, so either holds back the later ones. One snapshot answers both: an aggregate's
 * events take their ids under its version's row lock (outbox.ts), so an event seen
 * committed has every earlier one of its aggregate committed, and seen, with it.
 */
const CLAIM = `
  WITH claimed AS (
    SELECT id, event_id, subject, payload, attempts, aggregate, aggregate_id
      FROM ${OUTBOX_TABLE}
     WHERE sent_at IS NULL AND next_attempt_at <= clock_timestamp()
       -- Not behind an earlier row of its aggregate that waits for its retry: claiming those
       -- would fill every batch with rows that cannot go, and starve the other aggregates.
       AND NOT EXISTS (
         SELECT 1 FROM ${OUTBOX_TABLE} e
          WHERE e.aggregate = ${OUTBOX_TABLE}.aggregate
            AND e.aggregate_id = ${OUTBOX_TABLE}.aggregate_id
            AND e.sent_at IS NULL AND e.id < ${OUTBOX_TABLE}.id
            AND e.next_attempt_at > clock_timestamp())
     ORDER BY id
     LIMIT $1
     FOR UPDATE SKIP LOCKED)
  SELECT c.id, c.event_id, c.subject, c.payload::text AS payload, c.attempts, c.aggregate,
         c.aggregate_id,
         c.aggregate IS NULL OR c.aggregate_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM ${OUTBOX_TABLE} o
            WHERE o.aggregate = c.aggregate AND o.aggregate_id = c.aggregate_id
              AND o.sent_at IS NULL AND o.id < c.id
              AND o.id NOT IN (SELECT id FROM claimed)) AS may_go
    FROM claimed c
   ORDER BY c.id`;

/** What the outbox holds, for health and metrics. */
export interface OutboxStats {
  pending: number;
  /** Pending rows that failed at least `alertAfterAttempts` times. */
  stuck: number;
  oldestPendingAgeMs: number | null;
}

export class StuckOutboxRowError extends Error {
  constructor(
    readonly eventId: string,
    readonly subject: string,
    readonly attempts: number,
    readonly lastError: string,
  ) {
    super(
      `outbox: event ${eventId} (${subject}) still unpublished after ${attempts} attempts; it is retried, and later events of its aggregate wait for it: ${lastError}`,
    );
    this.name = 'StuckOutboxRowError';
  }
}

/**
 * Publishes committed outbox rows to JetStream.
 *
 * Rows are claimed with `FOR UPDATE SKIP LOCKED` inside a transaction that stays
 * open until their publishes are acknowledged, so several relays never publish
 * the same row at once. A row is marked sent only after the broker's ack; if the
 * relay dies between the ack and the commit, the row is published again with the
 * same `Nats-Msg-Id` and the stream's duplicate window stores it once (a resend
 * later than that window stores a second copy: consumers' inboxes make it harmless).
 * Rows are picked by state, not by a high-water mark, so a row whose transaction
 * commits after a later one is never skipped.
 *
 * Events of one aggregate are published in the order they were recorded: a relay
 * publishes an aggregate's rows only while no earlier row of it is pending outside
 * its own claim (rows another relay claimed are still pending until it commits).
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private listener: pg.Client | undefined;
  private running = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private endLinger: (() => void) | undefined;
  private woken = false;
  private lastCleanup = 0;
  private unbind: (() => void) | undefined;
  // Plain counts since this relay started, read by the metrics (a scrape, not a query).
  private published = 0;
  private failedPublishes = 0;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly publishTimeoutMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly retentionMs: number;
  private readonly pruneBatchSize: number;
  private readonly pruneBudgetMs: number;
  private readonly alertAfterAttempts: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 256;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.lingerMs = options.lingerMs ?? 4;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.pruneBatchSize = options.pruneBatchSize ?? 5_000;
    this.pruneBudgetMs = options.pruneBudgetMs ?? 2_000;
    this.alertAfterAttempts = options.alertAfterAttempts ?? 10;
    // Pipelined: statements that need no answer in between (BEGIN and the claim, the
    // bookkeeping and the COMMIT) leave in one write and come back in one read. On these
    // machines a round trip's wake-ups cost more CPU than the statements themselves.
    this.pool = new pg.Pool({
      ...connectionSettings(options.databaseUrl),
      max: 2,
      pipeline: true,
      // The claim walks the pending rows in id order and stops at its batch. Planned from the
      // statistics of a table that is nearly always empty of pending rows, it would rather
      // gather every entry of a partial index into a bitmap and sort them: entries of rows sent
      // since the last vacuum included, each visited in the heap every time (1,500 entries and
      // 4 ms for a batch of 10, under load). Walked in order, an index scan marks the entries
      // of dead rows as it passes, and the next claim skips them.
      options: '-c enable_bitmapscan=off',
    });
    // An idle connection's error reaches the pool; a checked-out one's reaches only the client,
    // and an 'error' event nobody listens to ends the process (a PostgreSQL restart under load).
    this.pool.on('error', (error) => this.reportError(error));
    this.pool.on('connect', (client) => client.on('error', (error) => this.reportError(error)));
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.listen();
    this.running = true;
    if (this.options.orm) this.unbind = bindLocalRelay(this.options.orm, () => this.notify());
    this.loop = this.run();
  }

  /** Finishes the batch in hand, then stops; unpublished rows stay pending for the next relay. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    // From now on, this process's commits notify, for the relays of other processes.
    this.unbind?.();
    this.notify();
    this.endLinger?.();
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
      // Nothing published from a full claim: all held back behind earlier events; the poll retries.
      if (claimed < this.batchSize || published === 0) return total;
      if (this.loop !== undefined && !this.running) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let idle = true;
      try {
        idle = (await this.drain()) === 0;
        if (Date.now() - this.lastCleanup >= 60_000) {
          this.lastCleanup = Date.now();
          await this.pruneSent();
        }
      } catch (error) {
        this.reportError(error);
      }
      if (this.running && idle) await this.waitForWork();
      // Published a batch that was not full: more rows are on their way, let them gather.
      else if (this.running && this.lingerMs > 0) await this.linger();
    }
  }

  private async linger(): Promise<void> {
    await pause(this.lingerMs, (end) => (this.endLinger = end));
    this.endLinger = undefined;
  }

  private async publishBatch(): Promise<{ claimed: number; published: number }> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // BEGIN and the claim leave together (the pool's connections pipeline): one round trip.
      const [, { rows: claimed }] = await Promise.all([
        client.query('BEGIN'),
        // Prepared once per connection: planning it anew cost a third of what it does.
        client.query<ClaimedRow>({
          name: 'boucle-outbox-claim',
          text: CLAIM,
          values: [this.batchSize],
        }),
      ]);
      const rows: PendingRow[] = claimed.filter((row) => row.may_go);
      if (rows.length === 0) {
        await client.query('COMMIT');
        return { claimed: claimed.length, published: 0 };
      }
      const results = await this.publishInOrder(rows);
      const sent: string[] = [];
      const failed: { id: string; delay: number; error: string }[] = [];
      const stuck: StuckOutboxRowError[] = [];
      rows.forEach((row) => {
        const result = results.get(row.id);
        // Behind a failed row of its aggregate: not tried, left pending as it was.
        if (result === undefined) return;
        if (result.status === 'fulfilled') {
          sent.push(row.id);
          return;
        }
        const error = String((result.reason as Error)?.message ?? result.reason).slice(0, 1000);
        failed.push({
          id: row.id,
          delay: backoffMs(row.attempts, this.retryBaseMs, this.retryMaxMs),
          error,
        });
        if (row.attempts + 1 === this.alertAfterAttempts)
          stuck.push(new StuckOutboxRowError(row.event_id, row.subject, row.attempts + 1, error));
      });
      await this.options.hooks?.afterPublish?.(sent.length);
      // The bookkeeping and the COMMIT leave together too. A statement that fails aborts the
      // transaction and its COMMIT then rolls back: that statement's error is thrown, and
      // nothing of the batch is marked.
      const finishing: Promise<unknown>[] = [];
      if (sent.length > 0) {
        finishing.push(
          client.query({
            name: 'boucle-outbox-sent',
            text: `UPDATE ${OUTBOX_TABLE} SET sent_at = clock_timestamp() WHERE id = ANY($1::bigint[])`,
            values: [sent],
          }),
        );
      }
      if (failed.length > 0) {
        finishing.push(
          client.query(
            `UPDATE ${OUTBOX_TABLE} o
                SET attempts = o.attempts + 1,
                    next_attempt_at = clock_timestamp() + f.delay * interval '1 millisecond',
                    last_error = f.error
               FROM unnest($1::bigint[], $2::int[], $3::text[]) AS f(id, delay, error)
              WHERE o.id = f.id`,
            [failed.map((f) => f.id), failed.map((f) => f.delay), failed.map((f) => f.error)],
          ),
        );
      }
      finishing.push(client.query('COMMIT'));
      await Promise.all(finishing);
      if (failed.length > 0) {
        this.reportError(
          new Error(`outbox: ${failed.length} publish(es) failed, retrying: ${failed[0]!.error}`),
        );
        stuck.forEach((error) => this.reportError(error));
      }
      // Counted once committed: a batch rolled back is published again and counted then.
      this.published += sent.length;
      this.failedPublishes += failed.length;
      return { claimed: claimed.length, published: sent.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A connection that failed is not handed to the next batch.
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * All aggregates at once, each aggregate's rows one after another: a failed
   * publish stops its aggregate there, so a later event never reaches the stream
   * before an earlier one that is still to be retried.
   */
  private async publishInOrder(
    rows: PendingRow[],
  ): Promise<Map<string, PromiseSettledResult<void>>> {
    const groups = new Map<string, PendingRow[]>();
    for (const row of rows) {
      const key =
        row.aggregate === null ? `row:${row.id}` : `${row.aggregate}\u0000${row.aggregate_id}`;
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    const results = new Map<string, PromiseSettledResult<void>>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        for (const row of group) {
          try {
            await this.publish(row);
            results.set(row.id, { status: 'fulfilled', value: undefined });
          } catch (reason) {
            results.set(row.id, { status: 'rejected', reason });
            return;
          }
        }
      }),
    );
    return results;
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

  /**
   * Deletes sent rows older than the retention, a bounded number per statement and
   * for a bounded time, so a large backlog never holds the table in one long delete.
   * Returns how many rows went.
   */
  async pruneSent(): Promise<number> {
    const deadline = Date.now() + this.pruneBudgetMs;
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `DELETE FROM ${OUTBOX_TABLE}
          WHERE id IN (SELECT id FROM ${OUTBOX_TABLE}
                        WHERE sent_at < clock_timestamp() - $1 * interval '1 millisecond'
                        ORDER BY sent_at
                        LIMIT $2
                        FOR UPDATE SKIP LOCKED)`,
        [this.retentionMs, this.pruneBatchSize],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < this.pruneBatchSize || Date.now() >= deadline) return total;
    }
  }

  /** Rows published and marked sent, and publishes that failed, since this relay was created. */
  get counts(): { published: number; failed: number } {
    return { published: this.published, failed: this.failedPublishes };
  }

  async stats(): Promise<OutboxStats> {
    const { rows } = await this.pool.query<{
      pending: string;
      stuck: string;
      oldest_ms: number | null;
    }>(
      `SELECT count(*) AS pending,
              count(*) FILTER (WHERE attempts >= $1) AS stuck,
              (extract(epoch FROM clock_timestamp() - min(created_at)) * 1000)::float8 AS oldest_ms
         FROM ${OUTBOX_TABLE} WHERE sent_at IS NULL`,
      [this.alertAfterAttempts],
    );
    const row = rows[0]!;
    return {
      pending: Number(row.pending),
      stuck: Number(row.stuck),
      oldestPendingAgeMs: row.oldest_ms,
    };
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
    await pause(this.pollIntervalMs, (end) => (this.wake = end));
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

/** Waits `ms`, or less if the function handed to `endWith` is called first. */
function pause(ms: number, endWith: (end: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    endWith(done);
    function done() {
      clearTimeout(timer);
      resolve();
    }
  });
}

/**
 * The relay holds row locks while it publishes: a relay whose host vanishes must
 * not keep them for the hours TCP takes to notice, and no query may hang the loop.
 */
function connectionSettings(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    // Named, so an operator (or a fault test) can find the relay's sessions in pg_stat_activity.
    application_name: 'boucle-outbox-relay',
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    query_timeout: 30_000,
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  };
}
