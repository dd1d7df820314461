import { Migration } from '@boucle/database';

/**
 * The GiST indexes of the catalogue search, made again with a key no two rows share
 * (measured by `npm run bench:matching`, a million goods at 400 sites); those on the
 * needs' reach are made again the same way in need-score.migration.ts.
 *
 * A site holds hundreds of goods of one class at one point. A GiST page of such entries
 * has nothing to be split on but the class and the point, which are the same on both
 * sides, and the pages filled badly: the index on class and earth held 1.4 GB for
 * 917,000 goods (five entries a page where thirty fit), and one search read 7,000 pages.
 * With the good's id as the last key, a split of equal entries splits them on it:
 * 354 MB, and the same search reads 2,700 pages.
 *
 * The index on class and earth also takes the search text as a key (`tsvector_ops`), so
 * that the words searched are checked inside the index: entries that do not match never
 * join the queue of nearest ones, which a broad class within a long distance (a make in
 * class 12) filled with twenty thousand entries read for two thousand kept (1,600 pages
 * read, 16 ms instead of 45). The text is still included whole, for the ranking by
 * relevance read from the index alone (392 MB in all).
 */
export class MatchingSearchTies extends Migration {
  override up(): void {
    this.addSql(`DROP INDEX catalogue_good_class_near`);
    this.addSql(`
      CREATE INDEX catalogue_good_class_near ON catalogue_good
        USING gist ((iso_class COLLATE "C"), earth, search, good_id)
        INCLUDE (search, must_be_gone_by, described_at)
        WHERE listed`);
    this.addSql(`DROP INDEX catalogue_good_class_place`);
    this.addSql(`
      CREATE INDEX catalogue_good_class_place ON catalogue_good
        USING gist ((iso_class COLLATE "C"), point(longitude, latitude), good_id)
        INCLUDE (earth, search, must_be_gone_by, latitude, longitude, described_at)
        WHERE listed`);
    this.addSql(`DROP INDEX catalogue_good_earth`);
    this.addSql(
      `CREATE INDEX catalogue_good_earth ON catalogue_good USING gist (earth, good_id) WHERE listed`,
    );
  }
}
