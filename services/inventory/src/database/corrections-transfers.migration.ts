import { Migration } from '@boucle/database';

/**
 * Corrections and custody. The ledger stays append-only: a correction of a quantity, a loss or
 * a find is a movement of its own, recorded here with its reason code and who made it; a
 * weight correction changes the good's weighed mass and keeps both masses, and what the
 * change did to the mass still held, so that the tonnage report counts it once, when it was
 * made. A transfer between members moves a good's stock out of the giver and into the
 * receiver, the good keeping its identity and its passport.
 */
export class InventoryCorrectionsTransfers extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE correction (
        id uuid PRIMARY KEY,
        good_id uuid NOT NULL REFERENCES good (id),
        -- the member whose stock it corrected, at the time (a good may change hands later)
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        kind text NOT NULL CHECK (kind IN ('quantity', 'weight', 'lost', 'found')),
        reason text NOT NULL
          CHECK (reason IN ('weighing-error', 'estimate-settled', 'counting-error', 'lost', 'found')),
        -- the movement it appended; none for a weight correction, which moves no quantity
        movement_id bigint UNIQUE REFERENCES stock_movement (id),
        weighed_kg_before numeric(12, 3),
        weighed_kg_after numeric(12, 3) CHECK (weighed_kg_after >= 0),
        -- what the new mass added to (or took from) the mass still held, to the gram
        held_kg_delta numeric(14, 3),
        -- the good's latest movement when its mass changed: later movements weigh at the new mass
        last_movement_id bigint,
        actor jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((kind = 'weight') = (movement_id IS NULL)),
        CHECK (kind <> 'weight' OR (weighed_kg_before IS NOT NULL AND weighed_kg_after IS NOT NULL
          AND held_kg_delta IS NOT NULL AND last_movement_id IS NOT NULL))
      )`);
    this.addSql(`CREATE INDEX correction_good_idx ON correction (good_id, id)`);
    this.addSql(`
      CREATE TABLE transfer (
        id uuid PRIMARY KEY,
        good_id uuid NOT NULL REFERENCES good (id),
        from_organisation_id uuid NOT NULL REFERENCES organisation (id),
        to_organisation_id uuid NOT NULL REFERENCES organisation (id),
        to_site_id uuid NOT NULL REFERENCES site (id),
        actor jsonb NOT NULL,
        transferred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (from_organisation_id <> to_organisation_id)
      )`);
    this.addSql(`CREATE INDEX transfer_good_idx ON transfer (good_id)`);
    // The movements a transfer appended: out of the giver, into the receiver.
    this.addSql(`
      CREATE TABLE transfer_movement (
        movement_id bigint PRIMARY KEY REFERENCES stock_movement (id),
        transfer_id uuid NOT NULL REFERENCES transfer (id)
      )`);
  }

  override down(): void {
    this.addSql(`DROP TABLE transfer_movement`);
    this.addSql(`DROP TABLE transfer`);
    this.addSql(`DROP TABLE correction`);
  }
}
