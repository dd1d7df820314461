import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db, type PickupStatus, type PickupTable, type WindowJson } from '../database/schema.js';
import type { NewPickup, Pickup } from './pickup.js';

/** PostgreSQL's timestamptz text as an ISO instant. */
export const iso = (text: string): string => new Date(text).toISOString();

function toPickup(row: Selectable<PickupTable>): Pickup {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    mode: row.mode,
    origin: row.origin,
    pointId: row.point_id,
    occurrenceDay: row.occurrence_day === null ? null : String(row.occurrence_day).slice(0, 10),
    status: row.status,
    address: row.address,
    position: { latitude: row.latitude, longitude: row.longitude },
    locality: row.locality,
    donorRef: row.donor_ref,
    windows: row.windows,
    expectedLoad: row.expected_load,
    skills: row.skills,
    goods: row.goods,
    deliverTo: { siteId: row.deliver_site_id, locationId: row.deliver_location_id },
    lot:
      row.lot_good_id && row.must_be_gone_by
        ? { goodId: row.lot_good_id, mustBeGoneBy: iso(row.must_be_gone_by) }
        : null,
    unplannedReason: row.unplanned_reason,
    misses: row.misses,
    createdAt: iso(row.created_at),
  };
}

export interface PickupFilter {
  organisationId: string | null;
  status?: PickupStatus;
  /** Pickups with a window overlapping [from, until). */
  overlapping?: { from: string; until: string };
  limit: number;
}

/** Pickups: requested, planned, collected, missed or cancelled. */
@Injectable()
export class PickupsRepository {
  /**
   * Inserts the pickup; false when the database's guards say it already exists (a point's
   * open threshold pickup, or its pickup for that scheduled day).
   */
  async insert(em: EntityManager, pickup: NewPickup, ifAbsent = false): Promise<boolean> {
    const windows = pickup.windows;
    const rows = await db(em)
      .insertInto('pickup')
      .values({
        id: pickup.id,
        organisation_id: pickup.organisationId,
        kind: pickup.kind,
        mode: pickup.mode,
        origin: pickup.origin,
        point_id: pickup.pointId,
        occurrence_day: pickup.occurrenceDay,
        address: pickup.address,
        latitude: pickup.position.latitude,
        longitude: pickup.position.longitude,
        locality: pickup.locality,
        donor_ref: pickup.donorRef,
        windows: JSON.stringify(windows),
        windows_from: windows[0]!.from,
        windows_until: windows.reduce(
          (max, w) => (w.until > max ? w.until : max),
          windows[0]!.until,
        ),
        expected_load: JSON.stringify(pickup.expectedLoad),
        skills: JSON.stringify(pickup.skills),
        goods: JSON.stringify(pickup.goods),
        deliver_site_id: pickup.deliverTo.siteId,
        deliver_location_id: pickup.deliverTo.locationId,
        lot_good_id: pickup.lot?.goodId ?? null,
        must_be_gone_by: pickup.lot?.mustBeGoneBy ?? null,
        actor: JSON.stringify(pickup.actor),
      })
      .$if(ifAbsent, (q) => q.onConflict((oc) => oc.doNothing()))
      .returning('id')
      .execute();
    return rows.length === 1;
  }

  async load(
    em: EntityManager,
    id: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<Pickup | undefined> {
    const row = await db(em)
      .selectFrom('pickup')
      .selectAll()
      .where('id', '=', id)
      .$if(options.forUpdate === true, (q) => q.forUpdate())
      .executeTakeFirst();
    return row && toPickup(row);
  }

  async loadMany(em: EntityManager, ids: readonly string[], forUpdate = false): Promise<Pickup[]> {
    if (ids.length === 0) return [];
    const rows = await db(em)
      .selectFrom('pickup')
      .selectAll()
      .where('id', 'in', [...ids])
      .orderBy('id')
      .$if(forUpdate, (q) => q.forUpdate())
      .execute();
    return rows.map(toPickup);
  }

  /** The open threshold pickup of a point, if any. */
  async openThresholdPickup(em: EntityManager, pointId: string): Promise<string | undefined> {
    const row = await db(em)
      .selectFrom('pickup')
      .select('id')
      .where('point_id', '=', pointId)
      .where('origin', '=', 'threshold')
      .where('status', 'in', ['requested', 'scheduled', 'missed'])
      .executeTakeFirst();
    return row?.id;
  }

  async list(em: EntityManager, filter: PickupFilter): Promise<Pickup[]> {
    const rows = await db(em)
      .selectFrom('pickup')
      .selectAll()
      .$if(filter.organisationId !== null, (q) =>
        q.where('organisation_id', '=', filter.organisationId!),
      )
      .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
      .$if(filter.overlapping !== undefined, (q) =>
        q
          .where('windows_from', '<', filter.overlapping!.until)
          .where('windows_until', '>', filter.overlapping!.from),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map(toPickup);
  }

  async setStatus(
    em: EntityManager,
    id: string,
    status: PickupStatus,
    extra: { unplannedReason?: string | null; cancelReason?: string; misses?: number } = {},
  ): Promise<void> {
    await db(em)
      .updateTable('pickup')
      .set({
        status,
        ...(extra.unplannedReason !== undefined && { unplanned_reason: extra.unplannedReason }),
        ...(extra.cancelReason !== undefined && { cancel_reason: extra.cancelReason }),
        ...(extra.misses !== undefined && { misses: extra.misses }),
      })
      .where('id', '=', id)
      .execute();
  }

  async setWindows(em: EntityManager, id: string, windows: WindowJson[]): Promise<void> {
    await db(em)
      .updateTable('pickup')
      .set({
        windows: JSON.stringify(windows),
        windows_from: windows[0]!.from,
        windows_until: windows[windows.length - 1]!.until,
        status: 'requested',
        unplanned_reason: null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Whether the pickup waits on a stop of a round given to this driver. */
  async onDriversRound(em: EntityManager, pickupId: string, driverId: string): Promise<boolean> {
    const row = await db(em)
      .selectFrom('round_stop')
      .innerJoin('round', 'round.id', 'round_stop.round_id')
      .select('round.id')
      .where('round_stop.pickup_id', '=', pickupId)
      .where('round.driver_id', '=', driverId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Where the pickup stands in the plan: its pending stop, else its latest one. */
  async placeInPlan(
    em: EntityManager,
    pickupId: string,
  ): Promise<{ roundId: string; day: string; sequence: number; eta: string } | null> {
    const row = await db(em)
      .selectFrom('round_stop')
      .innerJoin('round', 'round.id', 'round_stop.round_id')
      .select([
        'round.id as roundId',
        sql<string>`to_char(round.day, 'YYYY-MM-DD')`.as('day'),
        'round_stop.sequence',
        'round_stop.eta',
      ])
      .where('round_stop.pickup_id', '=', pickupId)
      .orderBy(sql`round_stop.status = 'pending'`, 'desc')
      .orderBy('round.day', 'desc')
      .executeTakeFirst();
    return row
      ? { roundId: row.roundId, day: row.day, sequence: row.sequence, eta: iso(row.eta) }
      : null;
  }

  /** Takes the pickup off its pending stop (a cancellation); the round keeps its other stops. */
  async leavePendingStop(em: EntityManager, pickupId: string): Promise<string | undefined> {
    const row = await db(em)
      .deleteFrom('round_stop')
      .where('pickup_id', '=', pickupId)
      .where('status', '=', 'pending')
      .returning(
        sql<string>`(SELECT to_char(day, 'YYYY-MM-DD') FROM round WHERE round.id = round_stop.round_id)`.as(
          'day',
        ),
      )
      .executeTakeFirst();
    return row?.day;
  }

  /** Records a notice once; false if it was given before. */
  async giveNotice(
    em: EntityManager,
    pickupId: string,
    kind: 'reminder' | 'late' | 'lot-unplanned' | 'reschedule',
    key: string,
  ): Promise<boolean> {
    const rows = await db(em)
      .insertInto('pickup_notice')
      .values({ pickup_id: pickupId, kind, key })
      .onConflict((oc) => oc.doNothing())
      .returning('pickup_id')
      .execute();
    return rows.length === 1;
  }
}
