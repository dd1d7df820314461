import { Migration } from '@boucle/database';

/**
 * The needs' reach indexed by urgency as well as by class (or unit): each urgency of a
 * class is a slab of its own (reach-by-class.migration.ts), so that a line of needs can
 * read the urgent needs in reach alone, then, only if fewer than a line fit, the soon
 * ones, then the routine ones (proposals.repository.ts).
 *
 * A step of urgency outweighs the highest social priority and a year of waiting together
 * (ranking.ts), so every urgent need comes before every other, whatever the rest. A line
 * scored and sorted every need in reach before it kept its first twenty: for an aid that
 * 2,400 needs may reach, 5 ms of the database's time. Read by urgency, the urgent ones
 * alone (a sixth of them) usually fill it.
 *
 * The social priority is held to its range by the database too: the order by urgency
 * holds only while a priority cannot outweigh a step of it. The range is written here as
 * it stands today (MAX_SOCIAL_PRIORITY, in the contract): a migration runs once, so a
 * wider range later takes a migration of its own.
 */
export class MatchingLineByUrgency extends Migration {
  override up(): void {
    this.addSql(`
      ALTER TABLE need ADD CONSTRAINT need_social_priority_range
        CHECK (social_priority BETWEEN 0 AND 10)`);
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
          USING gist (need_reach_in(${key} || ' ' || urgency, search_latitude, search_longitude,
                                    max_distance_km), id)
          INCLUDE (${key}${sifted}, ${ranked})
          WHERE status = 'open' AND kind = '${kind}'`);
    }
  }
}
