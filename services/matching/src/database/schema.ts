import type { ColumnType, Generated, JSONColumnType, Kysely } from 'kysely';
import type { EntityManager } from '@boucle/database';

/*
 * The matching tables as the migrations create them, for Kysely: a column renamed or
 * dropped there and not here, or used with the wrong type in a repository, fails the
 * type-check. Keep the two in step by hand; a migration that changes a table changes
 * this file.
 *
 * What the `pg` driver hands back, as MikroORM configures it: numeric as strings,
 * timestamptz and date as the text PostgreSQL sent, jsonb parsed, bytea as a Buffer.
 */

type Numeric = ColumnType<string, string | number, string | number>;
type Timestamp = string;
type Json<T extends object> = JSONColumnType<T>;
/** Computed by PostgreSQL: read, never written. */
type Computed<T> = ColumnType<T, never, never>;

export interface CatalogueSiteTable {
  site_id: string;
  organisation_id: string;
  kind: string;
  locality: string;
  latitude: number | null;
  longitude: number | null;
}

export interface CatalogueLocationTable {
  location_id: string;
  site_id: string;
}

export interface CatalogueMovementTable {
  movement_id: string;
  good_id: string;
}

export interface CatalogueStockTable {
  good_id: string;
  location_id: string;
  quantity: Numeric;
}

export interface CatalogueGoodTable {
  good_id: string;
  kind: 'item' | 'lot';
  unit: string;
  described_version: Generated<number>;
  described_at: Timestamp | null;
  described_site_id: string | null;
  offered_organisation_id: string | null;
  iso_class: string | null;
  category: string | null;
  make: string | null;
  model: string | null;
  material_family: string | null;
  condition_grade: 'A' | 'B' | 'C' | 'D' | null;
  estimated: Generated<boolean>;
  attributes: Json<Record<string, unknown>>;
  window_version: Generated<number>;
  available_from: Timestamp | null;
  must_be_gone_by: Timestamp | null;
  available_quantity: Generated<string>;
  site_id: string | null;
  organisation_id: string | null;
  locality: string | null;
  latitude: number | null;
  longitude: number | null;
  listed: Generated<boolean>;
  earth: Computed<string | null>;
  search: Computed<string>;
}

export type NeedStatus = 'open' | 'withdrawn' | 'fulfilled' | 'expired' | 'erased';

export interface BeneficiaryTable {
  ref: string;
  user_id: string | null;
  organisation_id: string | null;
  registered_by: string;
  sealed: Buffer | null;
  key_id: string | null;
  registered_at: Generated<Timestamp>;
  erased_at: Timestamp | null;
}

export interface NeedTable {
  id: string;
  seq: Generated<string>;
  kind: 'medical-aid' | 'material';
  status: Generated<NeedStatus>;
  beneficiary_ref: string | null;
  organisation_id: string | null;
  registered_by: string;
  iso_class: string | null;
  constraints: Json<Record<string, unknown>>;
  material_family: string | null;
  quantity: Numeric | null;
  unit: string | null;
  min_condition_grade: 'A' | 'B' | 'C' | 'D' | null;
  urgency: 'routine' | 'soon' | 'urgent';
  needed_by: string | null;
  deadline: Timestamp | null;
  search_latitude: number;
  search_longitude: number;
  locality: string;
  max_distance_km: number;
  social_priority: Generated<number>;
  sealed: Buffer | null;
  key_id: string | null;
  registered_at: Generated<Timestamp>;
  /** registered_at in whole milliseconds since 1970, as the score counts waiting. */
  registered_ms: Computed<string>;
  /** The material's words as a text-search query (reach-by-class.migration.ts). */
  material_query: Computed<string | null>;
  closed_at: Timestamp | null;
}

export interface ProposalTable {
  good_id: string;
  need_id: string;
  rank: number;
  distance_km: number | null;
  score: Json<object>;
  proposed_at: Generated<Timestamp>;
}

export type ReservationStatus =
  | 'requested'
  | 'waiting'
  | 'held'
  | 'confirmed'
  | 'handed-over'
  | 'rejected'
  | 'expired'
  | 'cancelled'
  | 'refused'
  | 'released'
  | 'timed-out';

export interface ReservationTable {
  id: string;
  need_id: string;
  good_id: string;
  holder_ref: string;
  organisation_id: string | null;
  quantity: Numeric;
  unit: string;
  status: Generated<ReservationStatus>;
  hold_id: string | null;
  expires_at: Timestamp | null;
  rejection_reason: string | null;
  rejection_message: string | null;
  requested_by: string;
  requested_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  approval_required: Generated<boolean>;
  decision: 'approved' | 'refused' | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  offered: Generated<boolean>;
  end_reason: string | null;
  ended_at: Timestamp | null;
  offer_owed: Generated<boolean>;
  seq: Generated<string>;
  successor_id: string | null;
  wait_if_taken: Generated<boolean>;
  wait_key: number | null;
  waiting_since: Timestamp | null;
}

export interface MatchingDatabase {
  reservation: ReservationTable;
  proposal: ProposalTable;
  beneficiary: BeneficiaryTable;
  need: NeedTable;
  catalogue_site: CatalogueSiteTable;
  catalogue_location: CatalogueLocationTable;
  catalogue_movement: CatalogueMovementTable;
  catalogue_stock: CatalogueStockTable;
  catalogue_good: CatalogueGoodTable;
}

/** Kysely on the EntityManager's connection and transaction. */
export function db(em: EntityManager): Kysely<MatchingDatabase> {
  return em.getKysely<MatchingDatabase>();
}
