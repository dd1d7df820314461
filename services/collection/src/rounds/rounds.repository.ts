import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db, type RoundStatus, type StopStatus } from '../database/schema.js';
import { iso } from '../pickups/pickups.repository.js';

export interface Round {
  id: string;
  day: string;
  vehicleId: string;
  organisationId: string;
  driverId: string | null;
  status: RoundStatus;
  planRevision: number;
  distanceKm: number;
}

export interface Stop {
  roundId: string;
  pickupId: string;
  sequence: number;
  eta: string;
  status: StopStatus;
}

const ROUND_COLUMNS = [
  'id',
  sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'),
  'vehicle_id',
  'organisation_id',
  'driver_id',
  'status',
  'plan_revision',
  'distance_km',
] as const;

function toRound(row: {
  id: string;
  day: string;
  vehicle_id: string;
  organisation_id: string;
  driver_id: string | null;
  status: RoundStatus;
  plan_revision: number;
  distance_km: string;
}): Round {
  return {
    id: row.id,
    day: row.day,
    vehicleId: row.vehicle_id,
    organisationId: row.organisation_id,
    driverId: row.driver_id,
    status: row.status,
    planRevision: row.plan_revision,
    distanceKm: Number(row.distance_km),
  };
}

/** Rounds of a day, one per vehicle, and their ordered stops. */
@Injectable()
export class RoundsRepository {
  async ofDay(em: EntityManager, day: string, forUpdate = false): Promise<Round[]> {
    const rows = await db(em)
      .selectFrom('round')
      .select(ROUND_COLUMNS)
      .where('day', '=', day)
      .orderBy('vehicle_id')
      .$if(forUpdate, (q) => q.forUpdate())
      .execute();
    return rows.map(toRound);
  }

  async load(em: EntityManager, id: string, forUpdate = false): Promise<Round | undefined> {
    const row = await db(em)
      .selectFrom('round')
      .select(ROUND_COLUMNS)
      .where('id', '=', id)
      .$if(forUpdate, (q) => q.forUpdate())
      .executeTakeFirst();
    return row && toRound(row);
  }

  /** The round of a vehicle on a day, made if missing; its plan revision and distance set. */
  async upsert(
    em: EntityManager,
    round: {
      id: string;
      day: string;
      vehicleId: string;
      organisationId: string;
      revision: number;
      distanceKm: number;
    },
  ): Promise<string> {
    const row = await db(em)
      .insertInto('round')
      .values({
        id: round.id,
        day: round.day,
        vehicle_id: round.vehicleId,
        organisation_id: round.organisationId,
        plan_revision: round.revision,
        distance_km: round.distanceKm.toFixed(3),
      })
      .onConflict((oc) =>
        oc.columns(['day', 'vehicle_id']).doUpdateSet({
          plan_revision: round.revision,
          distance_km: round.distanceKm.toFixed(3),
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async stops(em: EntityManager, roundIds: readonly string[]): Promise<Stop[]> {
    if (roundIds.length === 0) return [];
    const rows = await db(em)
      .selectFrom('round_stop')
      .select(['round_id', 'pickup_id', 'sequence', 'eta', 'status'])
      .where('round_id', 'in', [...roundIds])
      .orderBy('round_id')
      .orderBy('sequence')
      .execute();
    return rows.map((r) => ({
      roundId: r.round_id,
      pickupId: r.pickup_id,
      sequence: r.sequence,
      eta: iso(r.eta),
      status: r.status,
    }));
  }

  async stop(
    em: EntityManager,
    roundId: string,
    pickupId: string,
    forUpdate = false,
  ): Promise<Stop | undefined> {
    const row = await db(em)
      .selectFrom('round_stop')
      .select(['round_id', 'pickup_id', 'sequence', 'eta', 'status'])
      .where('round_id', '=', roundId)
      .where('pickup_id', '=', pickupId)
      .$if(forUpdate, (q) => q.forUpdate())
      .executeTakeFirst();
    return (
      row && {
        roundId: row.round_id,
        pickupId: row.pickup_id,
        sequence: row.sequence,
        eta: iso(row.eta),
        status: row.status,
      }
    );
  }

  /** Where a pickup waits on a round, if it does (on one round at most). */
  async pendingStopOf(em: EntityManager, pickupId: string): Promise<Stop | undefined> {
    const row = await db(em)
      .selectFrom('round_stop')
      .select(['round_id', 'pickup_id', 'sequence', 'eta', 'status'])
      .where('pickup_id', '=', pickupId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return (
      row && {
        roundId: row.round_id,
        pickupId: row.pickup_id,
        sequence: row.sequence,
        eta: iso(row.eta),
        status: row.status,
      }
    );
  }

  /** The pending stops of these rounds, removed for a new plan (stops already done stay). */
  async clearPending(em: EntityManager, roundIds: readonly string[]): Promise<void> {
    if (roundIds.length === 0) return;
    await db(em)
      .deleteFrom('round_stop')
      .where('round_id', 'in', [...roundIds])
      .where('status', '=', 'pending')
      .execute();
  }

  async insertStops(
    em: EntityManager,
    roundId: string,
    stops: readonly { pickupId: string; sequence: number; eta: string }[],
  ): Promise<void> {
    if (stops.length === 0) return;
    await db(em)
      .insertInto('round_stop')
      .values(
        stops.map((s) => ({
          round_id: roundId,
          pickup_id: s.pickupId,
          sequence: s.sequence,
          eta: s.eta,
        })),
      )
      .execute();
  }

  async setStopStatus(
    em: EntityManager,
    roundId: string,
    pickupId: string,
    status: 'collected' | 'missed',
  ): Promise<void> {
    await db(em)
      .updateTable('round_stop')
      .set({ status })
      .where('round_id', '=', roundId)
      .where('pickup_id', '=', pickupId)
      .execute();
  }

  async setStatus(em: EntityManager, id: string, status: 'started' | 'completed'): Promise<string> {
    const row = await db(em)
      .updateTable('round')
      .set(
        status === 'started'
          ? { status, started_at: sql<string>`now()` }
          : { status, completed_at: sql<string>`now()` },
      )
      .where('id', '=', id)
      .returning(sql<string>`coalesce(completed_at, started_at)`.as('at'))
      .executeTakeFirstOrThrow();
    return iso(row.at);
  }

  async assignDriver(em: EntityManager, id: string, driverId: string): Promise<void> {
    await db(em).updateTable('round').set({ driver_id: driverId }).where('id', '=', id).execute();
  }

  async recordCollection(
    em: EntityManager,
    record: {
      pickupId: string;
      roundId: string;
      collectedAt: string;
      actual: object;
      goods: object[];
      photoRefs: string[];
      signatureRef: string | null;
      actor: object;
    },
  ): Promise<void> {
    await db(em)
      .insertInto('collection_record')
      .values({
        pickup_id: record.pickupId,
        round_id: record.roundId,
        collected_at: record.collectedAt,
        actual: JSON.stringify(record.actual),
        goods: JSON.stringify(record.goods),
        photo_refs: JSON.stringify(record.photoRefs),
        signature_ref: record.signatureRef,
        actor: JSON.stringify(record.actor),
      })
      .execute();
  }

  async recordMiss(
    em: EntityManager,
    record: { pickupId: string; roundId: string; reason: string; attempt: number; actor: object },
  ): Promise<void> {
    await db(em)
      .insertInto('miss_record')
      .values({
        pickup_id: record.pickupId,
        round_id: record.roundId,
        reason: record.reason,
        attempt: record.attempt,
        actor: JSON.stringify(record.actor),
      })
      .execute();
  }

  /**
   * The pickups a day's plan may take: still to be collected, with a window on the day,
   * and not waiting on a stop of a round that has started or of another day.
   */
  async plannablePickupIds(
    em: EntityManager,
    day: string,
    bounds: { start: string; end: string },
  ): Promise<string[]> {
    const rows = await db(em)
      .selectFrom('pickup')
      .select('pickup.id')
      .where('pickup.status', 'in', ['requested', 'scheduled'])
      .where('pickup.windows_from', '<', bounds.end)
      .where('pickup.windows_until', '>', bounds.start)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('round_stop')
              .innerJoin('round', 'round.id', 'round_stop.round_id')
              .select('round_stop.pickup_id')
              .whereRef('round_stop.pickup_id', '=', 'pickup.id')
              .where('round_stop.status', '=', 'pending')
              .where((inner) =>
                inner.or([inner('round.status', '!=', 'planned'), inner('round.day', '!=', day)]),
              ),
          ),
        ),
      )
      .orderBy('pickup.id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Rounds given to a driver on a day (or every day). */
  async ofDriver(em: EntityManager, driverId: string, day: string): Promise<Round[]> {
    const rows = await db(em)
      .selectFrom('round')
      .select(ROUND_COLUMNS)
      .where('driver_id', '=', driverId)
      .where('day', '=', day)
      .orderBy('vehicle_id')
      .execute();
    return rows.map(toRound);
  }
}
