import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import type { Actor, CollectionLoad, GeoPoint } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type CollectionPointTable } from '../database/schema.js';
import { iso } from '../pickups/pickups.repository.js';
import type { Schedule } from './points.scheduling.js';

export interface Point {
  id: string;
  organisationId: string;
  name: string;
  kind: 'shop' | 'business';
  address: string;
  position: GeoPoint;
  locality: string;
  expectedLoad: CollectionLoad;
  skills: string[];
  goods: object[];
  deliverTo: { siteId: string; locationId: string };
  threshold: { fullCrates: number | null; fillPercent: number | null } | null;
  thresholdWindowHours: number;
  schedule: Schedule | null;
  scheduleRevision: number;
  lastFill: { fullCrates: number | null; fillPercent: number | null; reportedAt: string } | null;
}

export type NewPoint = Omit<Point, 'schedule' | 'scheduleRevision' | 'lastFill'> & { actor: Actor };

function toPoint(row: Selectable<CollectionPointTable>): Point {
  const hasThreshold = row.threshold_full_crates !== null || row.threshold_fill_percent !== null;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    kind: row.kind,
    address: row.address,
    position: { latitude: row.latitude, longitude: row.longitude },
    locality: row.locality,
    expectedLoad: row.expected_load,
    skills: row.skills,
    goods: row.goods,
    deliverTo: { siteId: row.deliver_site_id, locationId: row.deliver_location_id },
    threshold: hasThreshold
      ? { fullCrates: row.threshold_full_crates, fillPercent: row.threshold_fill_percent }
      : null,
    thresholdWindowHours: row.threshold_window_hours,
    schedule: row.schedule,
    scheduleRevision: row.schedule_revision,
    lastFill: row.last_reported_at
      ? {
          fullCrates: row.last_full_crates,
          fillPercent: row.last_fill_percent,
          reportedAt: iso(row.last_reported_at),
        }
      : null,
  };
}

/** Collection points: shops and businesses collected on a schedule or when full. */
@Injectable()
export class PointsRepository {
  async insert(em: EntityManager, point: NewPoint): Promise<void> {
    await db(em)
      .insertInto('collection_point')
      .values({
        id: point.id,
        organisation_id: point.organisationId,
        name: point.name,
        kind: point.kind,
        address: point.address,
        latitude: point.position.latitude,
        longitude: point.position.longitude,
        locality: point.locality,
        expected_load: JSON.stringify(point.expectedLoad),
        skills: JSON.stringify(point.skills),
        goods: JSON.stringify(point.goods),
        deliver_site_id: point.deliverTo.siteId,
        deliver_location_id: point.deliverTo.locationId,
        threshold_full_crates: point.threshold?.fullCrates ?? null,
        threshold_fill_percent: point.threshold?.fillPercent ?? null,
        threshold_window_hours: point.thresholdWindowHours,
        actor: JSON.stringify(point.actor),
      })
      .execute();
  }

  async load(em: EntityManager, id: string, forUpdate = false): Promise<Point | undefined> {
    const row = await db(em)
      .selectFrom('collection_point')
      .selectAll()
      .where('id', '=', id)
      .$if(forUpdate, (q) => q.forUpdate())
      .executeTakeFirst();
    return row && toPoint(row);
  }

  /** Sets (or removes) the schedule; returns its new revision. */
  async setSchedule(em: EntityManager, id: string, schedule: Schedule | null): Promise<number> {
    const row = await db(em)
      .updateTable('collection_point')
      .set({
        schedule: schedule === null ? null : JSON.stringify(schedule),
        schedule_revision: sql<number>`schedule_revision + 1`,
      })
      .where('id', '=', id)
      .returning('schedule_revision')
      .executeTakeFirstOrThrow();
    return row.schedule_revision;
  }

  async setLastFill(
    em: EntityManager,
    id: string,
    fill: { fullCrates: number | null; fillPercent: number | null },
  ): Promise<void> {
    await db(em)
      .updateTable('collection_point')
      .set({
        last_full_crates: fill.fullCrates,
        last_fill_percent: fill.fillPercent,
        last_reported_at: sql<string>`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Serialises the work on one point's scheduler until the transaction ends, so that two
   * changes applied at once leave the scheduler as the later one says.
   */
  async lockScheduler(em: EntityManager, id: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`collection.point-scheduler:${id}`}))`.execute(
      db(em),
    );
  }
}
