import { Migration } from '@boucle/database';

/**
 * Tells the planner what a line is: at most twenty proposals per good (LINE_LENGTH), so
 * that a good's line is read through its index and joined to its needs one by one.
 *
 * The statistics of `proposal` are taken by ANALYZE as a count of distinct goods. Lines
 * are drawn far faster than autovacuum analyzes: after a few thousand lines, statistics
 * taken when a few dozen goods had one made PostgreSQL expect 2,000 proposals for any
 * good, and read a line by hashing every need (110,000 in the bench: 25 ms, not 0.1). As
 * a fraction of the rows (n_distinct below zero), the estimate stays right as the table
 * grows: twenty per good, whatever the count of goods. It holds from the next ANALYZE on.
 */
export class MatchingLineLength extends Migration {
  override up(): void {
    this.addSql(`ALTER TABLE proposal ALTER COLUMN good_id SET (n_distinct = -0.05)`);
  }
}
