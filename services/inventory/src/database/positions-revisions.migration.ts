import { Migration } from '@boucle/database';

/**
 * Sites get where they are on the map; goods get a revision, the version people see as an
 * ETag and send back with If-Match so that two people editing one good cannot overwrite each
 * other unknowingly. The database bumps it on every change of the good, its stock or its
 * holds, so no code path can forget to; every such path already locks the good's row first,
 * so bumping it adds no lock and no deadlock. The list of a member's stock pages newest
 * first over its own index.
 */
export class InventoryPositionsRevisions extends Migration {
  override up(): void {
    this.addSql(`
      ALTER TABLE site
        ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90),
        ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
        ADD CONSTRAINT site_position_whole CHECK ((latitude IS NULL) = (longitude IS NULL))`);
    this.addSql(`ALTER TABLE good ADD COLUMN revision bigint NOT NULL DEFAULT 1`);
    this.addSql(`
      CREATE FUNCTION good_revise() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.revision := OLD.revision + 1;
        RETURN NEW;
      END $$`);
    this.addSql(`
      CREATE TRIGGER good_revise BEFORE UPDATE ON good
        FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION good_revise()`);
    // Stock and holds live in tables of their own: a change there is a change of the good.
    this.addSql(`
      CREATE FUNCTION good_touch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE good SET revision = revision + 1
          WHERE id IN (
            SELECT (CASE WHEN TG_OP = 'DELETE' THEN OLD.good_id ELSE NEW.good_id END)
            UNION
            SELECT (CASE WHEN TG_OP = 'UPDATE' THEN OLD.good_id END));
        RETURN NULL;
      END $$`);
    for (const table of ['stock_balance', 'hold']) {
      this.addSql(`
        CREATE TRIGGER ${table}_touches_good AFTER INSERT OR UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION good_touch()`);
    }
    this.addSql(
      `CREATE INDEX good_listing_idx ON good (organisation_id, created_at DESC, id DESC)`,
    );
  }
}
