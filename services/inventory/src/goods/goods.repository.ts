import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import type { Actor, GoodKind, Unit } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { foundRevision } from '@boucle/messaging';
import { notFound } from '../common/errors.js';
import { db, type GoodTable } from '../database/schema.js';
import type { Good } from './good.js';
import type { ActiveRecall } from './recall.js';

export interface GoodFilter {
  /** Null: the whole cluster. */
  organisationId: string | null;
  siteId?: string;
  kind?: GoodKind;
  state?: string;
  make?: string;
  model?: string;
  /** The last good of the previous page. */
  after?: string;
  limit: number;
}

/** A good about to enter stock; its first movement gives it its state. */
export interface NewGood {
  id: string;
  kind: GoodKind;
  organisationId: string;
  siteId: string;
  unit: Unit;
  state: string;
  description: Record<string, unknown>;
  intakeId?: string;
  serialNumber?: string | null;
  make?: string | null;
  model?: string | null;
  donorId?: string;
  weightKg?: number | null;
  /** Its share of the weighed mass it came with; the declared weight when nothing was weighed. */
  weighedKg?: number | null;
  availableFrom?: string;
  mustBeGoneBy?: string;
}

export interface ActiveHold {
  holdId: string;
  quantity: string;
  holderId: string;
  expiresAt: string;
}

export interface RefurbishmentEntry {
  cycle: number;
  gate: string;
  data: Record<string, unknown>;
  actor: Actor;
  recordedAt: string;
}

export interface RecallFilter {
  make: string;
  model: string;
  /** Only this organisation's units; every member's when null. */
  organisationId: string | null;
  serialFrom?: string | undefined;
  serialTo?: string | undefined;
}

export interface NewRecall {
  id: string;
  make: string;
  model: string;
  serialFrom: string | null;
  serialTo: string | null;
  organisationId: string | null;
  reason: string;
  actor: Actor;
}

export interface StoredRecall {
  id: string;
  make: string;
  model: string;
  organisationId: string | null;
  liftedAt: string | null;
}

export interface RecalledUnit {
  goodId: string;
  serialNumber: string;
  state: string;
  organisationId: string;
  siteId: string | null;
  locationId: string | null;
  holder: string | null;
}

/** The goods, and what is read about one good beside its ledger: its active holds, its refurbishment records. */
@Injectable()
export class GoodsRepository {
  /**
   * Loads a good, locking its row when the caller is about to change its stock.
   * Every path that changes stock locks the good first, then its balances and
   * holds: one lock order, so concurrent commands queue instead of deadlocking.
   */
  async load(em: EntityManager, id: string, options: { forUpdate?: boolean } = {}): Promise<Good> {
    const row = await db(em)
      .selectFrom('good')
      .selectAll()
      .where('id', '=', id)
      .$if(options.forUpdate === true, (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row) throw notFound('good', id);
    // Locked, it cannot change before the command commits: the revision If-Match compares.
    if (options.forUpdate === true) foundRevision(row.id, row.revision);
    return toGood(row);
  }

  async insert(em: EntityManager, good: NewGood): Promise<Good> {
    const row = await db(em)
      .insertInto('good')
      .values({
        id: good.id,
        kind: good.kind,
        organisation_id: good.organisationId,
        site_id: good.siteId,
        intake_id: good.intakeId ?? null,
        unit: good.unit,
        state: good.state,
        description: JSON.stringify(good.description),
        serial_number: good.serialNumber ?? null,
        make: good.make ?? null,
        model: good.model ?? null,
        donor_id: good.donorId ?? null,
        weight_kg: good.weightKg ?? null,
        weighed_kg: good.weighedKg ?? null,
        available_from: good.availableFrom ?? null,
        must_be_gone_by: good.mustBeGoneBy ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toGood(row);
  }

  async setRefurbishmentCycle(em: EntityManager, id: string, cycle: number): Promise<void> {
    await db(em)
      .updateTable('good')
      .set({ refurbishment_cycle: cycle })
      .where('id', '=', id)
      .execute();
  }

  /** The device model version a refurbishment cycle follows from its start to its end. */
  async pinDeviceModelVersion(em: EntityManager, id: string, version: number): Promise<void> {
    await db(em)
      .updateTable('good')
      .set({ device_model_version: version })
      .where('id', '=', id)
      .execute();
  }

  /**
   * A page of goods, newest first, from just after the `after` good (keyset paging: a page
   * never repeats nor skips a good when others arrive meanwhile). One more than asked is
   * read, so that the caller knows whether another page follows.
   */
  async list(em: EntityManager, filter: GoodFilter): Promise<Good[]> {
    const rows = await db(em)
      .selectFrom('good as g')
      .selectAll('g')
      .$if(filter.organisationId !== null, (q) =>
        q.where('g.organisation_id', '=', filter.organisationId!),
      )
      .$if(filter.siteId !== undefined, (q) => q.where('g.site_id', '=', filter.siteId!))
      .$if(filter.kind !== undefined, (q) => q.where('g.kind', '=', filter.kind!))
      .$if(filter.state !== undefined, (q) => q.where('g.state', '=', filter.state!))
      .$if(filter.make !== undefined, (q) => q.where('g.make', '=', filter.make!))
      .$if(filter.model !== undefined, (q) => q.where('g.model', '=', filter.model!))
      .$if(filter.after !== undefined, (q) =>
        q.where((eb) =>
          eb(
            eb.refTuple('g.created_at', 'g.id'),
            '<',
            eb
              .selectFrom('good as c')
              .select(['c.created_at', 'c.id'])
              .where('c.id', '=', filter.after!)
              .$asTuple('created_at', 'id'),
          ),
        ),
      )
      .orderBy('g.created_at', 'desc')
      .orderBy('g.id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    return rows.map(toGood);
  }

  /** Whether a good exists within a member's scope (the whole cluster for null). */
  async isVisible(em: EntityManager, id: string, organisationId: string | null): Promise<boolean> {
    const row = await db(em)
      .selectFrom('good')
      .select('id')
      .where('id', '=', id)
      .$if(organisationId !== null, (q) => q.where('organisation_id', '=', organisationId!))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** How much of each good is in each state, wherever it is. */
  async stockByState(
    em: EntityManager,
    goodIds: readonly string[],
  ): Promise<Map<string, { state: string; quantity: string }[]>> {
    const byGood = new Map<string, { state: string; quantity: string }[]>();
    if (goodIds.length === 0) return byGood;
    const rows = await db(em)
      .selectFrom('stock_balance')
      .select(['good_id', 'state', (eb) => eb.fn.sum<string>('quantity').as('quantity')])
      .where('good_id', 'in', goodIds)
      .where('quantity', '>', '0')
      .groupBy(['good_id', 'state'])
      .orderBy('good_id')
      .orderBy('state')
      .execute();
    for (const row of rows) {
      const stock = byGood.get(row.good_id) ?? [];
      stock.push({ state: row.state, quantity: String(row.quantity) });
      byGood.set(row.good_id, stock);
    }
    return byGood;
  }

  async activeHolds(em: EntityManager, goodId: string): Promise<ActiveHold[]> {
    const rows = await db(em)
      .selectFrom('hold')
      .select(['id', 'quantity', 'holder_id', 'expires_at'])
      .where('good_id', '=', goodId)
      .where('status', '=', 'active')
      .orderBy('created_at')
      .execute();
    return rows.map((h) => ({
      holdId: h.id,
      quantity: h.quantity,
      holderId: h.holder_id,
      expiresAt: h.expires_at,
    }));
  }

  async refurbishmentRecords(em: EntityManager, goodId: string): Promise<RefurbishmentEntry[]> {
    const rows = await db(em)
      .selectFrom('refurbishment_record')
      .select(['cycle', 'gate', 'data', 'actor', 'recorded_at'])
      .where('good_id', '=', goodId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      cycle: r.cycle,
      gate: r.gate,
      data: r.data,
      actor: r.actor,
      recordedAt: r.recorded_at,
    }));
  }

  /** Every unit of a make and model, where its stock is and, while held or handed over, who has it. */
  async recall(em: EntityManager, filter: RecallFilter): Promise<RecalledUnit[]> {
    const rows = await db(em)
      .selectFrom('good as g')
      .leftJoin('stock_balance as b', (join) =>
        join.onRef('b.good_id', '=', 'g.id').on('b.quantity', '>', '0'),
      )
      .leftJoin('location as l', 'l.id', 'b.location_id')
      .select((eb) => [
        'g.id',
        'g.serial_number',
        'g.state',
        'g.organisation_id',
        'b.location_id',
        'l.site_id',
        eb
          .case()
          .when('g.state', 'in', ['held', 'handed-over'])
          .then(
            eb
              .selectFrom('hold as h')
              .select((h) => h.fn.coalesce('h.handed_to', 'h.holder_id').as('holder'))
              .whereRef('h.good_id', '=', 'g.id')
              .where('h.status', 'in', ['active', 'handed-over'])
              .orderBy('h.created_at', 'desc')
              .limit(1),
          )
          .end()
          .as('holder'),
      ])
      .where('g.kind', '=', 'item')
      .where('g.make', '=', filter.make)
      .where('g.model', '=', filter.model)
      // Compared as text: an actor's organisation that is not a UUID matches nothing instead of failing.
      .$if(filter.organisationId !== null, (q) =>
        q.where((eb) => eb.cast('g.organisation_id', 'text'), '=', filter.organisationId!),
      )
      .$if(Boolean(filter.serialFrom), (q) => q.where('g.serial_number', '>=', filter.serialFrom!))
      .$if(Boolean(filter.serialTo), (q) => q.where('g.serial_number', '<=', filter.serialTo!))
      .orderBy('g.serial_number')
      .execute();
    return rows.map((r) => ({
      goodId: r.id,
      // Only items are recalled, and an item always has its serial number.
      serialNumber: r.serial_number!,
      state: r.state,
      organisationId: r.organisation_id,
      siteId: r.site_id,
      locationId: r.location_id,
      holder: r.holder,
    }));
  }

  /** A move's free-text note, beside its movement and out of the ledger: erasure deletes this row. */
  async insertMovementNote(
    em: EntityManager,
    note: { movementId: string; note: string; actor: Actor },
  ): Promise<void> {
    await db(em)
      .insertInto('movement_note')
      .values({
        movement_id: note.movementId,
        note: note.note,
        actor: JSON.stringify(note.actor),
      })
      .execute();
  }

  async insertRecall(em: EntityManager, recall: NewRecall): Promise<{ issuedAt: string }> {
    const row = await db(em)
      .insertInto('recall')
      .values({
        id: recall.id,
        make: recall.make,
        model: recall.model,
        serial_from: recall.serialFrom,
        serial_to: recall.serialTo,
        organisation_id: recall.organisationId,
        reason: recall.reason,
        issued_by: JSON.stringify(recall.actor),
      })
      .returning('issued_at')
      .executeTakeFirstOrThrow();
    return { issuedAt: row.issued_at };
  }

  /**
   * A recall issued or lifted changes what its units are (held or not, handed over or not):
   * their revision moves, so that an ETag read before is stale, and their rows are locked
   * until the recall commits, so that no hold slips in between on a unit it covers.
   */
  async reviseRecalled(
    em: EntityManager,
    scope: {
      make: string;
      model: string;
      organisationId: string | null;
      serialFrom?: string | null;
      serialTo?: string | null;
    },
  ): Promise<void> {
    await db(em)
      .updateTable('good')
      .set({ revision: sql<string>`revision + 1` })
      .where('kind', '=', 'item')
      .where('make', '=', scope.make)
      .where('model', '=', scope.model)
      .$if(scope.organisationId !== null, (q) =>
        q.where('organisation_id', '=', scope.organisationId!),
      )
      .$if(!!scope.serialFrom, (q) => q.where('serial_number', '>=', scope.serialFrom!))
      .$if(!!scope.serialTo, (q) => q.where('serial_number', '<=', scope.serialTo!))
      .execute();
  }

  /** Loads a recall and locks it, so that it is lifted once. */
  async lockRecall(em: EntityManager, id: string): Promise<StoredRecall> {
    const row = await db(em)
      .selectFrom('recall')
      .select(['id', 'make', 'model', 'organisation_id', 'lifted_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('recall', id);
    return {
      id: row.id,
      make: row.make,
      model: row.model,
      organisationId: row.organisation_id,
      liftedAt: row.lifted_at,
    };
  }

  async liftRecall(em: EntityManager, id: string, actor: Actor): Promise<{ liftedAt: string }> {
    const row = await db(em)
      .updateTable('recall')
      .set({ lifted_at: sql<string>`clock_timestamp()`, lifted_by: JSON.stringify(actor) })
      .where('id', '=', id)
      .returning('lifted_at')
      .executeTakeFirstOrThrow();
    return { liftedAt: row.lifted_at! };
  }

  /**
   * The recall in force on this unit, the oldest first: of its make and model, its serial
   * within the range (bounds included, compared as the recall query compares them), issued
   * for the whole cluster or for the unit's own organisation, and not lifted.
   */
  async activeRecall(em: EntityManager, good: Good): Promise<ActiveRecall | undefined> {
    if (good.kind !== 'item') return undefined;
    const row = await db(em)
      .selectFrom('recall')
      .select(['id', 'make', 'model', 'serial_from', 'serial_to', 'reason', 'issued_at'])
      .where('make', '=', good.make!)
      .where('model', '=', good.model!)
      .where('lifted_at', 'is', null)
      .where((eb) =>
        eb.and([
          eb.or([
            eb('organisation_id', 'is', null),
            eb('organisation_id', '=', good.organisationId),
          ]),
          eb.or([eb('serial_from', 'is', null), eb('serial_from', '<=', good.serialNumber!)]),
          eb.or([eb('serial_to', 'is', null), eb('serial_to', '>=', good.serialNumber!)]),
        ]),
      )
      .orderBy('issued_at')
      .limit(1)
      .executeTakeFirst();
    return (
      row && {
        recallId: row.id,
        make: row.make,
        model: row.model,
        serialFrom: row.serial_from,
        serialTo: row.serial_to,
        reason: row.reason,
        issuedAt: row.issued_at,
      }
    );
  }
}

function toGood(row: Selectable<GoodTable>): Good {
  return {
    id: row.id,
    kind: row.kind,
    organisationId: row.organisation_id,
    siteId: row.site_id,
    intakeId: row.intake_id,
    unit: row.unit,
    state: row.state,
    description: row.description,
    serialNumber: row.serial_number,
    make: row.make,
    model: row.model,
    donorId: row.donor_id,
    refurbishmentCycle: row.refurbishment_cycle,
    weightKg: row.weight_kg,
    availableFrom: row.available_from,
    mustBeGoneBy: row.must_be_gone_by,
    lifetimeStartsOn: row.lifetime_starts_on,
    lifetimeBasis: row.lifetime_basis,
    fitForUseUntil: row.fit_for_use_until,
    deviceModelVersion: row.device_model_version,
    revision: row.revision,
    createdAt: row.created_at,
  };
}
