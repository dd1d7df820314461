import { Migration } from '@boucle/database';

/**
 * The inventory schema. Stock rules are enforced here, not only in code:
 * balances can never go negative, the ledger is append-only, an item's serial is
 * unique per make and model, and a hold can only end once.
 */
export class InventoryInitial extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE organisation (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE site (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        name text NOT NULL,
        kind text NOT NULL,
        locality text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE location (
        id uuid PRIMARY KEY,
        site_id uuid NOT NULL REFERENCES site (id),
        name text NOT NULL,
        UNIQUE (site_id, name)
      )`);
    this.addSql(`
      CREATE TABLE centre_certificate (
        id uuid PRIMARY KEY,
        site_id uuid NOT NULL REFERENCES site (id),
        reference text NOT NULL,
        valid_from date NOT NULL,
        valid_until date NOT NULL CHECK (valid_until > valid_from)
      )`);
    this.addSql(`
      CREATE TABLE device_model (
        make text NOT NULL,
        model text NOT NULL,
        iso_class text NOT NULL,
        lifetime_years integer NOT NULL CHECK (lifetime_years > 0),
        checklist jsonb NOT NULL,
        instructions_ref text NOT NULL,
        PRIMARY KEY (make, model)
      )`);
    this.addSql(`
      CREATE TABLE intake (
        id uuid PRIMARY KEY,
        site_id uuid NOT NULL REFERENCES site (id),
        location_id uuid NOT NULL REFERENCES location (id),
        received_at timestamptz NOT NULL,
        gross_weight_kg numeric(12, 3) NOT NULL,
        tare_kg numeric(12, 3) NOT NULL,
        net_weight_kg numeric(12, 3) GENERATED ALWAYS AS (gross_weight_kg - tare_kg) STORED,
        provenance jsonb NOT NULL,
        collection_mode text NOT NULL,
        actor jsonb NOT NULL,
        CHECK (gross_weight_kg > tare_kg AND tare_kg >= 0)
      )`);
    this.addSql(`
      CREATE TABLE good (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('item', 'lot', 'pool', 'bulk')),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        site_id uuid NOT NULL REFERENCES site (id),
        intake_id uuid REFERENCES intake (id),
        unit text NOT NULL CHECK (unit IN ('unit', 'm2', 'm3', 'm', 'kg')),
        -- the lifecycle state; for divisible goods, where most of it is (the balances say exactly)
        state text NOT NULL,
        description jsonb NOT NULL,
        serial_number text,
        make text,
        model text,
        donor_id uuid REFERENCES good (id),
        refurbishment_cycle integer NOT NULL DEFAULT 0,
        weight_kg numeric(12, 3),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (kind <> 'item' OR (serial_number IS NOT NULL AND make IS NOT NULL AND model IS NOT NULL AND unit = 'unit'))
      )`);
    this.addSql(
      `CREATE UNIQUE INDEX good_item_serial_idx ON good (make, model, serial_number) WHERE kind = 'item'`,
    );
    this.addSql(`CREATE INDEX good_recall_idx ON good (make, model, serial_number)`);
    this.addSql(`
      CREATE TABLE stock_balance (
        good_id uuid NOT NULL REFERENCES good (id),
        state text NOT NULL,
        location_id uuid NOT NULL REFERENCES location (id),
        quantity numeric(14, 3) NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (good_id, state, location_id)
      )`);
    this.addSql(`
      CREATE TABLE stock_movement (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        good_id uuid NOT NULL REFERENCES good (id),
        quantity numeric(14, 3) NOT NULL CHECK (quantity > 0),
        from_state text,
        from_location_id uuid REFERENCES location (id),
        to_state text,
        to_location_id uuid REFERENCES location (id),
        weight_kg numeric(12, 3),
        reason text NOT NULL,
        actor jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        cause_type text NOT NULL CHECK (cause_type IN ('command', 'event', 'job')),
        cause_id text NOT NULL,
        hold_id uuid,
        CHECK (from_state IS NOT NULL OR to_state IS NOT NULL),
        CHECK ((from_state IS NULL) = (from_location_id IS NULL)),
        CHECK ((to_state IS NULL) = (to_location_id IS NULL))
      )`);
    this.addSql(`CREATE INDEX stock_movement_good_idx ON stock_movement (good_id, id)`);
    // The ledger is append-only: history is corrected by a new movement, never rewritten.
    this.addSql(`
      CREATE FUNCTION stock_movement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'stock_movement is append-only';
      END $$`);
    this.addSql(`
      CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement
      FOR EACH ROW EXECUTE FUNCTION stock_movement_append_only()`);
    this.addSql(`
      CREATE TABLE hold (
        id uuid PRIMARY KEY,
        good_id uuid NOT NULL REFERENCES good (id),
        from_state text NOT NULL,
        location_id uuid NOT NULL REFERENCES location (id),
        quantity numeric(14, 3) NOT NULL CHECK (quantity > 0),
        holder_id text NOT NULL,
        reservation_id uuid,
        expires_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'released', 'handed-over')),
        end_reason text,
        handed_to text,
        actor jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        ended_at timestamptz,
        CHECK ((status = 'active') = (ended_at IS NULL))
      )`);
    this.addSql(`CREATE INDEX hold_good_idx ON hold (good_id) WHERE status = 'active'`);
    this.addSql(`
      CREATE TABLE refurbishment_record (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        good_id uuid NOT NULL REFERENCES good (id),
        cycle integer NOT NULL,
        gate text NOT NULL CHECK (gate IN ('triage', 'checklist', 'quality-check', 'disinfection', 'certification')),
        data jsonb NOT NULL,
        actor jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (good_id, cycle, gate)
      )`);
  }
}
