import { Migration } from '@boucle/database';

/**
 * Reason codes instead of free text: a plain move's ledger row and stock.moved event carry
 * a code from a declared list; what a person wrote about it goes to `movement_note`, keyed by
 * the movement, outside the append-only ledger. Erasure on request deletes the note row; the
 * movement stays. (Amended windows and withdrawn lots need no new column: `withdrawn` is a
 * lifecycle state, and a hold's end reason is text.)
 */
export class InventoryLotWindowsReasons extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE movement_note (
        movement_id bigint PRIMARY KEY REFERENCES stock_movement (id),
        note text NOT NULL,
        actor jsonb NOT NULL,
        written_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }
}
