import { Migration } from '@boucle/database';

/**
 * Indexes read alone, without the table, by the two hot queries (see
 * search-speed.migration.ts; measured by `npm run bench:matching`).
 *
 * A search by relevance within a distance ranks only the goods nearest its point that
 * match (`nearestFirst` in catalogue-search.repository.ts), and so does one by distance
 * within a distance, for its page. A GiST index on the class
 * (`btree_gist`) and the earth cube hands them out nearest first (`<->` on the cube),
 * within the class's range of codes, with all such a search filters and ranks on beside
 * them. GiST gives cube keys back (the `cube` opclass stores them as they are), so the
 * scan stops at the last candidate without reading a row of the table.
 *
 * A line of needs for a good sorts every open need that may reach the good by score, and
 * reads only the first few whole (`bestFitting` in proposals.repository.ts). The indexes
 * on the needs' reach are made again with what the score and the reach are computed
 * from beside their keys, so that the sort reads nothing else: the reach is an
 * expression, and PostgreSQL only ever rechecks it from the columns it is computed from.
 */
export class MatchingSearchNearest extends Migration {
  override up(): void {
    this.addSql(`
      CREATE INDEX catalogue_good_class_near ON catalogue_good
        USING gist ((iso_class COLLATE "C"), earth)
        INCLUDE (good_id, search, must_be_gone_by, described_at)
        WHERE listed`);
    const ranked = `id, seq, urgency, social_priority, registered_at,
                    search_latitude, search_longitude, max_distance_km`;
    this.addSql(`DROP INDEX need_open_aid_reach`);
    this.addSql(`
      CREATE INDEX need_open_aid_reach ON need
        USING gist (iso_class, need_reach(search_latitude, search_longitude, max_distance_km))
        INCLUDE (${ranked})
        WHERE status = 'open' AND kind = 'medical-aid'`);
    this.addSql(`DROP INDEX need_open_material_reach`);
    this.addSql(`
      CREATE INDEX need_open_material_reach ON need
        USING gist (unit, need_reach(search_latitude, search_longitude, max_distance_km))
        INCLUDE (${ranked})
        WHERE status = 'open' AND kind = 'material'`);
  }
}
