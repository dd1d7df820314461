import { Migration } from '@boucle/database';

/**
 * The needs' reach indexed with the class (for aids) or the unit (for lots) as a fourth
 * dimension of the reach itself, rather than as a key of its own before it.
 *
 * A line of needs for a good asks which open needs of its class reach its point. With
 * the class as the first key of a GiST index, each page is summed up by the range of
 * classes it holds, and ISO classes nest: "12 22 06" lies between "12 22" and "12 23",
 * so every page of the 8,000 needs for wheelchairs in general ("12 22") also answered
 * for manual wheelchairs of one kind ("12 22 06"). A line for one such good read 242
 * pages to find 223 needs, and 260 more for the 2,200 of the class above.
 *
 * As a dimension, each class is a slab of its own, one unit thick, far from every other
 * (at a place drawn from the class's MD5, among four billion): a page of one class never
 * spans another, and the index splits pages by class before it splits them by place.
 * The same line reads 18 pages, then 141. The thickness keeps volumes meaningful inside
 * a class, so that the index still groups needs by where they reach.
 *
 * Two classes drawn to the same place would share pages and cost a little time; the
 * queries compare the classes themselves as well, so the answer stays right.
 */
export class MatchingReachByClass extends Migration {
  override up(): void {
    this.addSql(`
      CREATE FUNCTION reach_slab(key text)
        RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT ('x' || left(md5(key), 8))::bit(32)::integer::double precision
        $$`);
    /* A need's reach, in the slab of its class or unit. */
    this.addSql(`
      CREATE FUNCTION need_reach_in(key text, latitude double precision,
                                    longitude double precision, km double precision)
        RETURNS cube LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT cube(need_reach(latitude, longitude, km), reach_slab(key), reach_slab(key) + 1)
        $$`);
    /* A good's point, in the middle of the slab of the class or unit it is sought in. */
    this.addSql(`
      CREATE FUNCTION point_in(key text, earth cube)
        RETURNS cube LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT cube(earth, reach_slab(key) + 0.5, reach_slab(key) + 0.5)
        $$`);
    /*
     * A material need's words as a query, kept beside it: a lot's line sifts the needs in
     * reach by material inside the index (proposals.repository.ts, REACHING), and making
     * the query anew for each of them cost more than the rest of the line.
     */
    this.addSql(`
      ALTER TABLE need ADD COLUMN material_query tsquery
        GENERATED ALWAYS AS (plainto_tsquery('matching_french'::regconfig, material_family)) STORED`);
    // Everything a line reads of a need that may reach the good, so that the scan never
    // leaves the index: the columns inside the reach are listed too, since PostgreSQL
    // takes a scan for index-only only when every column it reads is held whole.
    const ranked = `seq, urgency, social_priority, registered_ms,
                    search_latitude, search_longitude, max_distance_km`;
    for (const [index, key, kind, sifted] of [
      ['need_open_aid_reach', 'iso_class', 'medical-aid', ''],
      [
        'need_open_material_reach',
        'unit',
        'material',
        ', min_condition_grade, deadline, material_query',
      ],
    ]) {
      this.addSql(`DROP INDEX ${index}`);
      this.addSql(`
        CREATE INDEX ${index} ON need
          USING gist (need_reach_in(${key}, search_latitude, search_longitude, max_distance_km), id)
          INCLUDE (${key}${sifted}, ${ranked})
          WHERE status = 'open' AND kind = '${kind}'`);
    }
  }
}
