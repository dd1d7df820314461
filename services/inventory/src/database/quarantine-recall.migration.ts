import { Migration } from '@boucle/database';

/**
 * Leaving the normal path (matériovigilance): a defective or recalled aid is quarantined
 * whatever its state, then refurbished again or scrapped to a recorded destination; a
 * make and model (optionally a serial range) can be flagged as recalled, which stops
 * holds and hand-overs of its units until the recall is lifted.
 */
export class InventoryQuarantineRecall extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE recall (
        id uuid PRIMARY KEY,
        make text NOT NULL,
        model text NOT NULL,
        serial_from text,
        serial_to text,
        -- null: every member's units (the coordinator's recall); otherwise that member's only
        organisation_id uuid REFERENCES organisation (id),
        reason text NOT NULL,
        issued_by jsonb NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        lifted_at timestamptz,
        lifted_by jsonb,
        CHECK ((lifted_at IS NULL) = (lifted_by IS NULL)),
        CHECK (serial_from IS NULL OR serial_to IS NULL OR serial_from <= serial_to)
      )`);
    this.addSql(`CREATE INDEX recall_active_idx ON recall (make, model) WHERE lifted_at IS NULL`);
    this.addSql(`
      CREATE TABLE quarantine (
        id uuid PRIMARY KEY,
        good_id uuid NOT NULL REFERENCES good (id),
        reason text NOT NULL CHECK (reason IN ('defect', 'recalled')),
        -- kept here, never in the ledger: free text stays out of the append-only movements
        note text,
        from_state text NOT NULL,
        cycle integer NOT NULL,
        actor jsonb NOT NULL,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        outcome text CHECK (outcome IN ('refurbishing', 'scrapped')),
        ended_by jsonb,
        ended_at timestamptz,
        CHECK ((ended_at IS NULL) = (outcome IS NULL) AND (ended_at IS NULL) = (ended_by IS NULL))
      )`);
    // One open quarantine per aid.
    this.addSql(
      `CREATE UNIQUE INDEX quarantine_open_idx ON quarantine (good_id) WHERE ended_at IS NULL`,
    );
    // Where a scrapped aid went, tied to the movement that scrapped it (the tonnage report reads it).
    this.addSql(`
      CREATE TABLE scrapping (
        movement_id bigint PRIMARY KEY REFERENCES stock_movement (id),
        good_id uuid NOT NULL REFERENCES good (id),
        route text NOT NULL CHECK (route IN ('recycling', 'energy-recovery', 'landfill')),
        facility text NOT NULL,
        actor jsonb NOT NULL,
        scrapped_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }
}
