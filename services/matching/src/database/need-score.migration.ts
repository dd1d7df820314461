import { Migration } from '@boucle/database';

/**
 * The moment a need was registered, as the whole milliseconds since 1970 that the score
 * counts its waiting from (ranking.ts reads it so, through a JavaScript Date), stored
 * beside it and held in the indexes on the needs' reach in its stead.
 *
 * A line of needs scores every open need that may reach the good before it keeps the
 * first twenty. Computing the days waited from the timestamp (`extract(epoch …)`, a
 * numeric) was most of that work: 6 ms of 8 for a good two thousand needs may reach. In
 * whole numbers it is a subtraction and a division.
 *
 * `extract(epoch …)` is only marked STABLE because other fields depend on the time
 * zone; the epoch does not, so the function computing the column is truly immutable.
 *
 * The reach indexes also end with the need's id as a key, as the catalogue's do
 * (search-ties.migration.ts): many needs share a class, a search point and a distance,
 * and without it the index on aids' reach held 148 MB for 75,000 needs; 24 MB with it.
 */
export class MatchingNeedScore extends Migration {
  override up(): void {
    this.addSql(`
      CREATE FUNCTION need_registered_ms(at timestamptz)
        RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT floor(extract(epoch FROM at) * 1000)::bigint
        $$`);
    this.addSql(`
      ALTER TABLE need ADD COLUMN registered_ms bigint
        GENERATED ALWAYS AS (need_registered_ms(registered_at)) STORED`);
    const ranked = `seq, urgency, social_priority, registered_ms,
                    search_latitude, search_longitude, max_distance_km`;
    for (const [index, key, kind] of [
      ['need_open_aid_reach', 'iso_class', 'medical-aid'],
      ['need_open_material_reach', 'unit', 'material'],
    ]) {
      this.addSql(`DROP INDEX ${index}`);
      this.addSql(`
        CREATE INDEX ${index} ON need
          USING gist (${key}, need_reach(search_latitude, search_longitude, max_distance_km), id)
          INCLUDE (${ranked})
          WHERE status = 'open' AND kind = '${kind}'`);
    }
  }
}
