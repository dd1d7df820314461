import { Migration } from '@boucle/database';

/**
 * Indexes for the two queries run most: the line of open needs for a good that has just
 * become available, and the catalogue search. Measured by `npm run bench:matching` on a
 * million goods and a hundred thousand open needs.
 *
 * A need reaches the goods within its own distance of its search point: the cube around
 * that point, enlarged by the straight line through the earth of that distance, holds all
 * of them (and a little more, its corners). A GiST index on that cube finds, for a good's
 * point, the needs that may reach it, with their class or unit beside it (`btree_gist`,
 * shipped with PostgreSQL and trusted), so that only those are measured exactly. The cube
 * is enlarged by one metre more than the distance, so that rounding never leaves out a
 * need the exact measure keeps.
 *
 * A search by class and distance reads one GiST index on the class (`btree_gist` again)
 * and the place as a point of degrees (`point`, whose GiST index can give its keys back,
 * which `cube`'s cannot). Beside them it holds all that such a search filters and sorts
 * on, so that the goods matching a search are chosen without reading the table; only the
 * page's goods are read. The repository asks it by the class's range of codes and by the
 * box of degrees around the disc searched, besides the exact prefix and distance.
 */
export class MatchingSearchSpeed extends Migration {
  override up(): void {
    this.addSql(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    this.addSql(`
      CREATE FUNCTION need_reach(latitude double precision, longitude double precision, km double precision)
        RETURNS cube LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT cube_enlarge(geo_point(latitude, longitude), geo_chord_km(km) + 0.001, 3)
        $$`);
    this.addSql(`
      CREATE INDEX need_open_aid_reach ON need
        USING gist (iso_class, need_reach(search_latitude, search_longitude, max_distance_km))
        WHERE status = 'open' AND kind = 'medical-aid'`);
    this.addSql(`
      CREATE INDEX need_open_material_reach ON need
        USING gist (unit, need_reach(search_latitude, search_longitude, max_distance_km))
        WHERE status = 'open' AND kind = 'material'`);
    this.addSql(`
      CREATE INDEX catalogue_good_class_place ON catalogue_good
        USING gist ((iso_class COLLATE "C"), point(longitude, latitude))
        INCLUDE (good_id, earth, search, must_be_gone_by, latitude, longitude, described_at)
        WHERE listed`);
  }
}
