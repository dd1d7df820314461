import { Migration } from '@boucle/database';

/**
 * Proposals: for each listed good, the open needs it fits, in line. Each row keeps the
 * parts of the score that placed it, as they were when it was proposed, so that staff can
 * explain a place in line to the person waiting.
 */
export class MatchingProposals extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE proposal (
        good_id uuid NOT NULL,
        need_id uuid NOT NULL REFERENCES need (id),
        rank integer NOT NULL CHECK (rank > 0),
        distance_km double precision,
        score jsonb NOT NULL,
        proposed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (good_id, need_id),
        UNIQUE (good_id, rank)
      )`);
    this.addSql(`CREATE INDEX proposal_need ON proposal (need_id)`);
  }
}
