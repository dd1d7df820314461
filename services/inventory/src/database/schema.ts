import type { ColumnType, Generated, GeneratedAlways, JSONColumnType, Kysely } from 'kysely';
import type { Actor, GoodKind, Unit } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';

/*
 * The inventory tables as the migrations create them (initial.migration.ts,
 * lots-transformations.migration.ts, medical-aid-rules.migration.ts,
 * quarantine-recall.migration.ts, corrections-transfers.migration.ts), for Kysely: a column renamed or dropped there
 * and not here, or used with the wrong type in a repository, fails the type-check.
 * Keep the two in step by hand; a migration that changes a table changes this file.
 *
 * What the `pg` driver hands back, as MikroORM configures it: numeric and bigint as
 * strings, timestamptz and date as the text PostgreSQL sent, jsonb parsed. jsonb is
 * written as JSON text (the driver would turn a JavaScript array into a PostgreSQL array).
 */

/** numeric: read as a decimal string, so no quantity ever passes through a float. */
type Numeric = ColumnType<string, string | number, string | number>;
/** timestamptz: read as PostgreSQL's text (MikroORM's type parser keeps it raw), written as ISO text. */
type Timestamp = string;
/** date: read as `YYYY-MM-DD`. */
type Day = string;
/** jsonb: read parsed, written as JSON text. */
type Json<T extends object> = JSONColumnType<T>;

export interface OrganisationTable {
  id: string;
  name: string;
  kind: string;
  created_at: Generated<Timestamp>;
}

export interface SiteTable {
  id: string;
  organisation_id: string;
  name: string;
  kind: string;
  locality: string;
  latitude: number | null;
  longitude: number | null;
  created_at: Generated<Timestamp>;
}

export interface LocationTable {
  id: string;
  site_id: string;
  name: string;
}

export interface CentreCertificateTable {
  id: string;
  site_id: string;
  reference: string;
  valid_from: Day;
  valid_until: Day;
  revoked_at: Timestamp | null;
  revocation_reason: string | null;
  revoked_by: Json<Actor> | null;
}

export interface DeviceModelTable {
  make: string;
  model: string;
  iso_class: string;
  lifetime_years: number;
  checklist: Json<string[]>;
  instructions_ref: string;
  /** The current version, one of device_model_version's. */
  version: Generated<number>;
}

export interface DeviceModelVersionTable {
  make: string;
  model: string;
  version: number;
  iso_class: string;
  lifetime_years: number;
  checklist: Json<string[]>;
  instructions_ref: string;
  recorded_by: Json<Actor> | null;
  recorded_at: Generated<Timestamp>;
}

export interface IntakeTable {
  id: string;
  site_id: string;
  location_id: string;
  received_at: Timestamp;
  gross_weight_kg: Numeric;
  tare_kg: Numeric;
  net_weight_kg: GeneratedAlways<string | null>;
  /** What of the net no good accounts for (tonnage-accounting.migration.ts). */
  unsorted_kg: ColumnType<string, string | number | undefined, string | number>;
  provenance: Json<Record<string, unknown>>;
  collection_mode: string;
  actor: Json<Actor>;
}

export interface GoodTable {
  id: string;
  kind: GoodKind;
  organisation_id: string;
  site_id: string;
  intake_id: string | null;
  unit: Unit;
  state: string;
  description: Json<Record<string, unknown>>;
  serial_number: string | null;
  make: string | null;
  model: string | null;
  donor_id: string | null;
  refurbishment_cycle: Generated<number>;
  weight_kg: Numeric | null;
  /** Its share of the weighed mass it came with: the tonnage report counts this, not `weight_kg`. */
  weighed_kg: Numeric | null;
  created_at: Generated<Timestamp>;
  available_from: Timestamp | null;
  must_be_gone_by: Timestamp | null;
  /** A medical aid's lifetime counts from here (its manufacture or first use), never restarted. */
  lifetime_starts_on: Day | null;
  lifetime_basis: LifetimeBasis | null;
  /** Set by its latest certification: the certification day plus the new-use duration, within its lifetime. */
  fit_for_use_until: Day | null;
  /** The device model version the current refurbishment cycle started with. */
  device_model_version: number | null;
  /** Bumped by the database on every change of the good, its stock or its holds: its ETag. */
  revision: ColumnType<string, never, string>;
}

export type LifetimeBasis = 'manufacture' | 'first-use';

export interface StockBalanceTable {
  good_id: string;
  state: string;
  location_id: string;
  quantity: Numeric;
}

export interface StockMovementTable {
  id: GeneratedAlways<string>;
  good_id: string;
  quantity: Numeric;
  from_state: string | null;
  from_location_id: string | null;
  to_state: string | null;
  to_location_id: string | null;
  weight_kg: Numeric | null;
  reason: string;
  actor: Json<Actor>;
  occurred_at: Generated<Timestamp>;
  cause_type: 'command' | 'event' | 'job';
  cause_id: string;
  hold_id: string | null;
}

export type HoldStatus = 'active' | 'released' | 'handed-over';

export interface HoldTable {
  id: string;
  good_id: string;
  from_state: string;
  location_id: string;
  quantity: Numeric;
  holder_id: string;
  reservation_id: string | null;
  expires_at: Timestamp;
  status: HoldStatus;
  end_reason: string | null;
  handed_to: string | null;
  actor: Json<Actor>;
  created_at: Generated<Timestamp>;
  ended_at: Timestamp | null;
}

export interface RefurbishmentRecordTable {
  id: GeneratedAlways<string>;
  good_id: string;
  cycle: number;
  gate: 'triage' | 'checklist' | 'quality-check' | 'disinfection' | 'certification';
  data: Json<Record<string, unknown>>;
  actor: Json<Actor>;
  recorded_at: Generated<Timestamp>;
}

export interface DiversionTable {
  id: GeneratedAlways<string>;
  good_id: string;
  quantity: Numeric;
  route: 'recycling' | 'energy-recovery' | 'landfill';
  facility: string;
  automatic: boolean;
  actor: Json<Actor>;
  diverted_at: Generated<Timestamp>;
}

export interface TransformationTable {
  id: string;
  kind: 'cardboard-to-litter' | 'dismantle' | 'washing';
  input_good_ids: string[];
  output_good_ids: string[];
  input_kg: Numeric | null;
  output_kg: Numeric | null;
  loss_kg: Numeric | null;
  actor: Json<Actor>;
  recorded_at: Generated<Timestamp>;
}

/** A make and model (optionally a serial range) recalled: none of its units is held or handed over until lifted. */
export interface RecallTable {
  id: string;
  make: string;
  model: string;
  serial_from: string | null;
  serial_to: string | null;
  /** Null: every member's units (the coordinator's recall); otherwise that member's only. */
  organisation_id: string | null;
  reason: string;
  issued_by: Json<Actor>;
  issued_at: Generated<Timestamp>;
  lifted_at: Timestamp | null;
  lifted_by: Json<Actor> | null;
}

export type QuarantineReason = 'defect' | 'recalled';

export interface QuarantineTable {
  id: string;
  good_id: string;
  reason: QuarantineReason;
  note: string | null;
  from_state: string;
  cycle: number;
  actor: Json<Actor>;
  started_at: Generated<Timestamp>;
  outcome: 'refurbishing' | 'scrapped' | null;
  ended_by: Json<Actor> | null;
  ended_at: Timestamp | null;
}

/** Where a scrapped aid went, keyed by the movement that scrapped it. */
export interface ScrappingTable {
  movement_id: string;
  good_id: string;
  route: DiversionTable['route'];
  facility: string;
  actor: Json<Actor>;
  scrapped_at: Generated<Timestamp>;
}

export type CorrectionKind = 'quantity' | 'weight' | 'lost' | 'found';
export type CorrectionReason =
  'weighing-error' | 'estimate-settled' | 'counting-error' | 'lost' | 'found';

/** A correction (corrections-transfers.migration.ts): a movement of its own, or a new weighed mass. */
export interface CorrectionTable {
  id: string;
  good_id: string;
  organisation_id: string;
  kind: CorrectionKind;
  reason: CorrectionReason;
  movement_id: string | null;
  weighed_kg_before: Numeric | null;
  weighed_kg_after: Numeric | null;
  held_kg_delta: Numeric | null;
  last_movement_id: string | null;
  actor: Json<Actor>;
  recorded_at: Generated<Timestamp>;
}

/** Custody of a good passing from one member to another. */
export interface TransferTable {
  id: string;
  good_id: string;
  from_organisation_id: string;
  to_organisation_id: string;
  to_site_id: string;
  actor: Json<Actor>;
  transferred_at: Generated<Timestamp>;
}

export interface TransferMovementTable {
  movement_id: string;
  transfer_id: string;
}

/**
 * What a person wrote about a plain move, kept outside the append-only ledger
 * (lot-windows-reasons.migration.ts). Erasure on request deletes this row; the movement stays.
 */
export interface MovementNoteTable {
  movement_id: string;
  note: string;
  actor: Json<Actor>;
  written_at: Generated<Timestamp>;
}

export interface InventoryDatabase {
  organisation: OrganisationTable;
  site: SiteTable;
  location: LocationTable;
  centre_certificate: CentreCertificateTable;
  device_model: DeviceModelTable;
  device_model_version: DeviceModelVersionTable;
  intake: IntakeTable;
  good: GoodTable;
  stock_balance: StockBalanceTable;
  stock_movement: StockMovementTable;
  movement_note: MovementNoteTable;
  hold: HoldTable;
  refurbishment_record: RefurbishmentRecordTable;
  diversion: DiversionTable;
  transformation: TransformationTable;
  recall: RecallTable;
  quarantine: QuarantineTable;
  scrapping: ScrappingTable;
  correction: CorrectionTable;
  transfer: TransferTable;
  transfer_movement: TransferMovementTable;
}

/**
 * Kysely over the inventory tables, on the entity manager's connection: inside
 * `inTransaction` it runs in that transaction (or its savepoint), like `em.execute`.
 */
export function db(em: EntityManager): Kysely<InventoryDatabase> {
  return em.getKysely<InventoryDatabase>();
}
