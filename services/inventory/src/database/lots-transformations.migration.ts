import { Migration } from '@boucle/database';

/** Lots offered from construction sites, their diversion, and transformations with a mass balance. */
export class InventoryLotsTransformations extends Migration {
  override up(): void {
    this.addSql(
      `ALTER TABLE good ADD COLUMN available_from timestamptz, ADD COLUMN must_be_gone_by timestamptz`,
    );
    this.addSql(
      `ALTER TABLE good ADD CONSTRAINT good_window_check CHECK (must_be_gone_by > available_from)`,
    );
    this.addSql(
      `CREATE INDEX good_must_be_gone_by_idx ON good (must_be_gone_by) WHERE kind = 'lot'`,
    );
    this.addSql(`
      CREATE TABLE diversion (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        good_id uuid NOT NULL REFERENCES good (id),
        quantity numeric(14, 3) NOT NULL CHECK (quantity > 0),
        route text NOT NULL CHECK (route IN ('recycling', 'energy-recovery', 'landfill')),
        facility text NOT NULL,
        automatic boolean NOT NULL,
        actor jsonb NOT NULL,
        diverted_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    this.addSql(`
      CREATE TABLE transformation (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('cardboard-to-litter', 'dismantle', 'washing')),
        input_good_ids uuid[] NOT NULL,
        output_good_ids uuid[] NOT NULL,
        input_kg numeric(12, 3),
        output_kg numeric(12, 3),
        loss_kg numeric(12, 3),
        actor jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- the mass balance, within 1 %: nothing appears or vanishes in a transformation
        CHECK (input_kg IS NULL OR abs(input_kg - output_kg - loss_kg) <= input_kg * 0.01)
      )`);
  }
}
