import { Migration } from '@boucle/database';

/**
 * The rest of the reservation saga: approval of medical aids, confirmation, hand-over and
 * every end, with the reason of each. Whatever awaits holds at most one reservation of a
 * good per need, as before; the checks keep a reservation's columns true to its state.
 */
export class MatchingReservationSaga extends Migration {
  override up(): void {
    this.addSql(`ALTER TABLE reservation DROP CONSTRAINT reservation_status_check`);
    // The check that a hold goes with `held` alone: confirmed and handed over keep it too.
    this.addSql(`ALTER TABLE reservation DROP CONSTRAINT reservation_check`);
    this.addSql(`DROP INDEX reservation_live`);
    this.addSql(`
      ALTER TABLE reservation
        -- The order lists are paged in, newest first.
        ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
        ADD COLUMN approval_required boolean NOT NULL DEFAULT false,
        ADD COLUMN decision text CHECK (decision IN ('approved', 'refused')),
        ADD COLUMN decided_by text,
        ADD COLUMN decided_at timestamptz,
        ADD COLUMN decision_note text,
        ADD COLUMN offered boolean NOT NULL DEFAULT false,
        ADD COLUMN end_reason text,
        ADD COLUMN ended_at timestamptz,
        -- Its hold came back to stock: the good is owed to the next need in line, once.
        ADD COLUMN offer_owed boolean NOT NULL DEFAULT false,
        ADD COLUMN successor_id uuid REFERENCES reservation (id),
        -- Waiting lists: asked to wait rather than be refused; its place in the good's list.
        ADD COLUMN wait_if_taken boolean NOT NULL DEFAULT false,
        ADD COLUMN wait_key double precision,
        ADD COLUMN waiting_since timestamptz,
        ADD CONSTRAINT reservation_status_check CHECK (status IN (
          'requested', 'waiting', 'held', 'confirmed', 'handed-over', 'rejected', 'expired',
          'cancelled', 'refused', 'released', 'timed-out')),
        -- A hold is known from held on, and kept once ended: inventory may still tell of it.
        ADD CONSTRAINT reservation_hold_check CHECK (
          status NOT IN ('held', 'confirmed') OR (hold_id IS NOT NULL AND expires_at IS NOT NULL)),
        -- Its hand-over may be heard of before its hold: the hold's id is known either way.
        ADD CONSTRAINT reservation_handed_over_check CHECK (
          status <> 'handed-over' OR hold_id IS NOT NULL),
        ADD CONSTRAINT reservation_decided_check CHECK (
          (decision IS NULL) = (decided_by IS NULL) AND (decision IS NULL) = (decided_at IS NULL)),
        -- A medical aid is confirmed by its member's approval, never without it.
        ADD CONSTRAINT reservation_confirmed_check CHECK (
          status <> 'confirmed' OR NOT approval_required OR decision = 'approved'),
        ADD CONSTRAINT reservation_end_check CHECK (
          (status IN ('requested', 'waiting', 'held', 'confirmed')) = (ended_at IS NULL)),
        ADD CONSTRAINT reservation_waiting_check CHECK (
          status <> 'waiting' OR (wait_key IS NOT NULL AND waiting_since IS NOT NULL))`);
    this.addSql(`
      CREATE UNIQUE INDEX reservation_live ON reservation (need_id, good_id)
        WHERE status IN ('requested', 'waiting', 'held', 'confirmed')`);
    this.addSql(`
      CREATE INDEX reservation_waiting ON reservation (good_id, wait_key, seq)
        WHERE status = 'waiting'`);
    // Caps count what each beneficiary and member has live; the approval queue is by good.
    this.addSql(`
      CREATE INDEX reservation_live_holder ON reservation (holder_ref)
        WHERE status IN ('requested', 'held', 'confirmed')`);
    this.addSql(`
      CREATE INDEX reservation_live_organisation ON reservation (organisation_id)
        WHERE status IN ('requested', 'held', 'confirmed')`);
    this.addSql(`CREATE INDEX reservation_good ON reservation (good_id, seq DESC)`);
    this.addSql(`CREATE INDEX reservation_need_seq ON reservation (need_id, seq DESC)`);
    this.addSql(`CREATE INDEX reservation_owed ON reservation (good_id) WHERE offer_owed`);
    // The sweep that ends what inventory never answered.
    this.addSql(`
      CREATE INDEX reservation_requested ON reservation (requested_at)
        WHERE status = 'requested'`);
  }
}
