import { Inject, Injectable, Logger } from '@nestjs/common';
import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import {
  InventoryItemAvailableV1,
  InventoryLotOfferedV1,
  InventoryLotWindowAmendedV1,
  InventorySiteRegisteredV1,
  InventoryStockMovedV1,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import {
  JETSTREAM,
  JETSTREAM_MANAGER,
  MESSAGING_OPTIONS,
  Naming,
  validateEvent,
  type MessagingModuleOptions,
} from '@boucle/messaging';
import { CatalogueService } from './catalogue.service.js';

/** Where a rebuild writes until it replaces the live tables. */
export const SHADOW_SCHEMA = 'catalogue_rebuild';

/** The catalogue's tables: facts first, the derived rows last. */
export const CATALOGUE_TABLES = [
  'catalogue_site',
  'catalogue_location',
  'catalogue_movement',
  'catalogue_stock',
  'catalogue_good',
] as const;

/** An event the catalogue reads, and what applies it. */
interface Replayed {
  def: EventDefinition;
  /** What it made listed is not put in line again: a rebuild proposes nothing. */
  apply: (em: EntityManager, event: EventEnvelope) => Promise<unknown>;
}

/** Events applied per transaction while replaying. */
const BATCH = 500;

export interface RebuildOutcome {
  /** The stream's first sequence: above 1, the stream no longer holds its oldest events. */
  firstSequence: number;
  lastSequence: number;
  applied: number;
  /** Events the live consumers would dead-letter: not applied here either. */
  skipped: number;
}

/**
 * Builds the catalogue again from inventory's stream, from its first event: into tables of
 * their own first (`catalogue_rebuild`), through the very methods the live consumers use,
 * then in one transaction, writers held off, the events that came meanwhile are applied
 * too and the live tables take the rebuilt rows. Readers keep reading the old rows until
 * that commit. Live consumers go on throughout: what they apply twice changes nothing, as
 * every catalogue write is idempotent at the row.
 */
@Injectable()
export class CatalogueRebuild {
  private readonly logger = new Logger(CatalogueRebuild.name);
  private readonly naming: Naming;
  private readonly handlers: ReadonlyMap<string, Replayed>;

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly catalogue: CatalogueService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(MESSAGING_OPTIONS) options: MessagingModuleOptions,
  ) {
    this.naming = new Naming(options.subjectPrefix ?? '');
    // Safe: every event is checked against its definition before it is applied.
    const on = <TDef extends EventDefinition>(
      def: TDef,
      apply: (em: EntityManager, event: EventEnvelope<EventData<TDef>>) => Promise<unknown>,
    ): [string, Replayed] => [this.naming.subject(def), { def, apply: apply as Replayed['apply'] }];
    this.handlers = new Map([
      on(InventorySiteRegisteredV1, (em, e) => this.catalogue.onSiteRegistered(em, e)),
      on(InventoryStockMovedV1, (em, e) => this.catalogue.onStockMoved(em, e)),
      on(InventoryItemAvailableV1, (em, e) => this.catalogue.onItemAvailable(em, e)),
      on(InventoryLotOfferedV1, (em, e) => this.catalogue.onLotOffered(em, e)),
      on(InventoryLotWindowAmendedV1, (em, e) => this.catalogue.onLotWindowAmended(em, e)),
    ]);
  }

  /** The whole rebuild: the shadow tables from the stream, then the swap. */
  async rebuild(): Promise<RebuildOutcome> {
    const built = await this.buildShadow();
    const caughtUp = await this.swap(built.lastSequence);
    return {
      ...built,
      lastSequence: caughtUp.lastSequence,
      applied: built.applied + caughtUp.applied,
      skipped: built.skipped + caughtUp.skipped,
    };
  }

  /** Empty shadow tables, then every event of the stream as it stands, applied to them. */
  async buildShadow(): Promise<RebuildOutcome> {
    const em = this.orm.em.fork();
    await em.execute(`DROP SCHEMA IF EXISTS ${SHADOW_SCHEMA} CASCADE`);
    await em.execute(`CREATE SCHEMA ${SHADOW_SCHEMA}`);
    for (const table of CATALOGUE_TABLES)
      await em.execute(
        `CREATE TABLE ${SHADOW_SCHEMA}.${table} (LIKE public.${table} INCLUDING ALL)`,
      );
    const info = await this.inventoryStream();
    const { first_seq: firstSequence, last_seq: lastSequence, messages } = info.state;
    if (firstSequence > 1)
      this.logger.warn(
        `the stream starts at event ${firstSequence}: older events have expired and are missing from the rebuild`,
      );
    let applied = 0;
    let skipped = 0;
    if (messages > 0) {
      const replayed = await this.replay(firstSequence, lastSequence, async (batch) => {
        await this.orm.em.fork().transactional(async (tx) => {
          await this.inShadow(tx);
          const counts = await this.applyAll(tx, batch);
          applied += counts.applied;
          skipped += counts.skipped;
        });
      });
      if (replayed < lastSequence)
        this.logger.warn(`the stream ended at ${replayed}, before ${lastSequence}`);
    }
    return { firstSequence, lastSequence, applied, skipped };
  }

  /**
   * Writers held off, the events published since `after` are applied to the shadow tables,
   * whose rows then replace the live ones, all in one transaction.
   */
  async swap(after: number): Promise<{ lastSequence: number; applied: number; skipped: number }> {
    return this.orm.em.fork().transactional(async (tx) => {
      await tx.execute(
        `LOCK TABLE ${CATALOGUE_TABLES.map((t) => `public.${t}`).join(', ')} IN EXCLUSIVE MODE`,
      );
      const info = await this.jsm.streams.info(this.naming.stream('inventory'));
      let applied = 0;
      let skipped = 0;
      if (info.state.last_seq > after) {
        await this.inShadow(tx);
        await this.replay(after + 1, info.state.last_seq, async (batch) => {
          const counts = await this.applyAll(tx, batch);
          applied += counts.applied;
          skipped += counts.skipped;
        });
      }
      await tx.execute(`SET LOCAL search_path TO public`);
      for (const table of [...CATALOGUE_TABLES].reverse())
        await tx.execute(`DELETE FROM public.${table}`);
      for (const table of CATALOGUE_TABLES) {
        const columns = await this.writableColumns(tx, table);
        await tx.execute(
          `INSERT INTO public.${table} (${columns}) SELECT ${columns} FROM ${SHADOW_SCHEMA}.${table}`,
        );
      }
      await tx.execute(`DROP SCHEMA ${SHADOW_SCHEMA} CASCADE`);
      return { lastSequence: Math.max(after, info.state.last_seq), applied, skipped };
    });
  }

  private async inventoryStream() {
    const name = this.naming.stream('inventory');
    try {
      return await this.jsm.streams.info(name);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === 10059)
        throw new Error(`the stream ${name} does not exist: inventory has not started here yet`, {
          cause: error,
        });
      throw error;
    }
  }

  private async inShadow(tx: EntityManager): Promise<void> {
    // The catalogue's SQL names its tables unqualified: the shadow ones come first now.
    await tx.execute(`SET LOCAL search_path TO ${SHADOW_SCHEMA}, public`);
  }

  private async applyAll(
    tx: EntityManager,
    batch: readonly JsMsg[],
  ): Promise<{ applied: number; skipped: number }> {
    let applied = 0;
    let skipped = 0;
    for (const msg of batch) {
      const handler = this.handlers.get(msg.subject);
      if (!handler) continue;
      const checked = validateEvent(handler.def, msg.data);
      if (!checked.ok) {
        skipped++;
        continue;
      }
      await handler.apply(tx, checked.envelope);
      applied++;
    }
    return { applied, skipped };
  }

  /**
   * Reads the stream from `from` to `to` in order, a batch at a time; answers the last
   * sequence read (lower than `to` when the stream lost its tail meanwhile).
   */
  private async replay(
    from: number,
    to: number,
    onBatch: (batch: readonly JsMsg[]) => Promise<void>,
  ): Promise<number> {
    const stream = this.naming.stream('inventory');
    // A consumer of its own, by a name the locked-down broker lets matching create, read and
    // delete on inventory's stream; one a rebuild left behind when it died is replaced.
    const name = this.naming.durable('matching.catalogue-rebuild');
    await this.jsm.consumers.delete(stream, name).catch(() => undefined);
    await this.jsm.consumers.add(stream, {
      name,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
      ack_policy: AckPolicy.None,
      // Gone by itself should this process die before it deletes it.
      inactive_threshold: nanos(5 * 60_000),
    });
    const consumer = await this.js.consumers.get(stream, name);
    const messages = await consumer.consume({ max_messages: BATCH });
    let batch: JsMsg[] = [];
    let last = from - 1;
    try {
      for await (const msg of messages) {
        if (msg.seq > to) break;
        batch.push(msg);
        last = msg.seq;
        const done = msg.seq >= to || msg.info.pending === 0;
        if (batch.length >= BATCH || done) {
          await onBatch(batch);
          batch = [];
        }
        if (done) break;
      }
      if (batch.length > 0) await onBatch(batch);
    } finally {
      await messages.close();
      await this.jsm.consumers.delete(stream, name).catch(() => undefined);
    }
    return last;
  }

  private async writableColumns(tx: EntityManager, table: string): Promise<string> {
    const rows = await tx.execute<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ? AND is_generated = 'NEVER'
        ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((r) => `"${r.column_name}"`).join(', ');
  }
}
