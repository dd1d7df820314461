import { Migration } from '@boucle/database';

/**
 * Reservations: matching's side of the saga with inventory. A need has at most one live
 * reservation of a given good (two requests racing: the second finds the first here).
 */
export class MatchingReservations extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE reservation (
        id uuid PRIMARY KEY,
        need_id uuid NOT NULL REFERENCES need (id),
        good_id uuid NOT NULL,
        holder_ref text NOT NULL,
        organisation_id uuid,
        quantity numeric(14, 3) NOT NULL CHECK (quantity > 0),
        unit text NOT NULL,
        status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'held', 'rejected')),
        hold_id uuid UNIQUE,
        expires_at timestamptz,
        rejection_reason text,
        rejection_message text,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((status = 'held') = (hold_id IS NOT NULL AND expires_at IS NOT NULL)),
        CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
      )`);
    this.addSql(`
      CREATE UNIQUE INDEX reservation_live ON reservation (need_id, good_id)
        WHERE status IN ('requested', 'held')`);
    this.addSql(`CREATE INDEX reservation_need ON reservation (need_id)`);
  }
}
