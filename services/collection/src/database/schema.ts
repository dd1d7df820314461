import type { ColumnType, Generated, JSONColumnType, Kysely } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';

/*
 * The collection tables as the migrations create them (initial.migration.ts), for Kysely:
 * a column renamed or dropped there and not here, or used with the wrong type in a
 * repository, fails the type-check. Keep the two in step by hand; a migration that
 * changes a table changes this file.
 *
 * What the `pg` driver hands back, as MikroORM configures it: numeric as strings,
 * timestamptz and date as the text PostgreSQL sent, jsonb parsed. jsonb is written as
 * JSON text (the driver would turn a JavaScript array into a PostgreSQL array).
 */

type Numeric = ColumnType<string, string | number, string | number>;
/** timestamptz: read as PostgreSQL's text, written as ISO text. */
type Timestamp = string;
type Day = string;
type Json<T extends object> = JSONColumnType<T>;

export interface LoadJson {
  kg: number;
  m3: number;
  crates: number;
  items: number;
}

export interface WindowJson {
  from: string;
  until: string;
}

export type PickupStatus = 'requested' | 'scheduled' | 'collected' | 'missed' | 'cancelled';
export type RoundStatus = 'planned' | 'started' | 'completed';
export type StopStatus = 'pending' | 'collected' | 'missed';

export interface ScheduleJson {
  weekdays: number[];
  everyWeeks: number;
  startingOn: string;
  windowFrom: string;
  windowUntil: string;
}

export interface CollectionPointTable {
  id: string;
  organisation_id: string;
  name: string;
  kind: 'shop' | 'business';
  address: string;
  latitude: number;
  longitude: number;
  locality: string;
  expected_load: Json<LoadJson>;
  skills: Json<string[]>;
  goods: Json<object[]>;
  deliver_site_id: string;
  deliver_location_id: string;
  threshold_full_crates: number | null;
  threshold_fill_percent: number | null;
  threshold_window_hours: number;
  schedule: ColumnType<ScheduleJson | null, string | null, string | null>;
  schedule_revision: Generated<number>;
  last_full_crates: number | null;
  last_fill_percent: number | null;
  last_reported_at: Timestamp | null;
  actor: Json<Actor>;
  created_at: Generated<Timestamp>;
}

export interface PickupTable {
  id: string;
  organisation_id: string;
  kind: 'home' | 'construction-site' | 'shop' | 'business';
  mode: 'pickup' | 'construction-site' | 'shop';
  origin: 'request' | 'schedule' | 'threshold';
  point_id: string | null;
  occurrence_day: Day | null;
  status: Generated<PickupStatus>;
  address: string;
  latitude: number;
  longitude: number;
  locality: string;
  donor_ref: string | null;
  windows: Json<WindowJson[]>;
  windows_from: Timestamp;
  windows_until: Timestamp;
  expected_load: Json<LoadJson>;
  skills: Json<string[]>;
  goods: Json<object[]>;
  deliver_site_id: string;
  deliver_location_id: string;
  lot_good_id: string | null;
  must_be_gone_by: Timestamp | null;
  unplanned_reason: string | null;
  misses: Generated<number>;
  cancel_reason: string | null;
  actor: Json<Actor>;
  created_at: Generated<Timestamp>;
}

export interface BreakJson {
  earliestStart: string;
  latestStart: string;
  minutes: number;
}

export interface VehicleTable {
  id: string;
  organisation_id: string;
  name: string;
  capacity: Json<LoadJson>;
  skills: Json<string[]>;
  depot_latitude: number;
  depot_longitude: number;
  work_from: string;
  work_until: string;
  break: ColumnType<BreakJson | null, string | null, string | null>;
  service_minutes: number;
  actor: Json<Actor>;
  created_at: Generated<Timestamp>;
}

export interface DayPlanTable {
  day: Day;
  requested_revision: number;
  planned_revision: Generated<number>;
  planned_at: Timestamp | null;
}

export interface RoundTable {
  id: string;
  day: Day;
  vehicle_id: string;
  organisation_id: string;
  driver_id: string | null;
  status: Generated<RoundStatus>;
  plan_revision: number;
  distance_km: Numeric;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
}

export interface RoundStopTable {
  round_id: string;
  pickup_id: string;
  sequence: number;
  eta: Timestamp;
  status: Generated<StopStatus>;
}

export interface CollectionRecordTable {
  pickup_id: string;
  round_id: string;
  collected_at: Timestamp;
  actual: Json<LoadJson>;
  goods: Json<object[]>;
  photo_refs: Json<string[]>;
  signature_ref: string | null;
  actor: Json<Actor>;
  recorded_at: Generated<Timestamp>;
}

export interface MissRecordTable {
  pickup_id: string;
  round_id: string;
  reason: string;
  attempt: number;
  actor: Json<Actor>;
  recorded_at: Generated<Timestamp>;
}

export type NoticeKind = 'reminder' | 'late' | 'lot-unplanned' | 'reschedule';

export interface PickupNoticeTable {
  pickup_id: string;
  kind: NoticeKind;
  key: string;
  given_at: Generated<Timestamp>;
}

export interface CollectionDatabase {
  collection_point: CollectionPointTable;
  pickup: PickupTable;
  vehicle: VehicleTable;
  day_plan: DayPlanTable;
  round: RoundTable;
  round_stop: RoundStopTable;
  collection_record: CollectionRecordTable;
  miss_record: MissRecordTable;
  pickup_notice: PickupNoticeTable;
}

/** Kysely on the EntityManager's connection and transaction. */
export function db(em: EntityManager): Kysely<CollectionDatabase> {
  return em.getKysely<CollectionDatabase>();
}
