import { Migration } from '@boucle/database';

/**
 * The catalogue: what inventory says is available, kept as the facts its events state
 * (sites and their locations, each stock movement once, each good's latest description)
 * and one row per good derived from them. Each derived row is recomputed from the facts,
 * never patched by an event, so that the events may arrive in any order, twice, or
 * replayed from the stream's start, and the rows come out the same.
 *
 * Distance uses PostgreSQL's `cube` extension (shipped with PostgreSQL, and trusted, so
 * the service's own role creates it): points on the earth as 3-D cubes in kilometres,
 * indexed by GiST, nearest first by `<->`. This is what `earthdistance` does; its
 * functions are written out here because that extension needs a superuser to create.
 * French text search uses PostgreSQL's `french` stemmer behind `unaccent` (also shipped
 * and trusted), so that "fauteuil electrique" finds "Fauteuils roulants électriques".
 */
export class MatchingCatalogue extends Migration {
  override up(): void {
    this.addSql(`CREATE EXTENSION IF NOT EXISTS cube`);
    this.addSql(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    this.addSql(`CREATE TEXT SEARCH CONFIGURATION matching_french (COPY = pg_catalog.french)`);
    this.addSql(`
      ALTER TEXT SEARCH CONFIGURATION matching_french
        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem`);
    // The mean earth radius in kilometres (IUGG): great-circle distances within 0.5 %.
    this.addSql(`
      CREATE FUNCTION geo_point(latitude double precision, longitude double precision)
        RETURNS cube LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT cube(cube(cube(
            6371.0088 * cos(radians(latitude)) * cos(radians(longitude))),
            6371.0088 * cos(radians(latitude)) * sin(radians(longitude))),
            6371.0088 * sin(radians(latitude)))
        $$`);
    /* The straight line through the earth (what the index measures) for a great-circle distance, and back. */
    this.addSql(`
      CREATE FUNCTION geo_chord_km(km double precision)
        RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT 2 * 6371.0088 * sin(least(km, pi() * 6371.0088) / (2 * 6371.0088))
        $$`);
    this.addSql(`
      CREATE FUNCTION geo_km(chord double precision)
        RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT 2 * 6371.0088 * asin(least(chord / (2 * 6371.0088), 1))
        $$`);

    this.addSql(`
      CREATE TABLE catalogue_site (
        site_id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        kind text NOT NULL,
        locality text NOT NULL,
        latitude double precision CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision CHECK (longitude BETWEEN -180 AND 180),
        CHECK ((latitude IS NULL) = (longitude IS NULL))
      )`);
    this.addSql(`
      CREATE TABLE catalogue_location (
        location_id uuid PRIMARY KEY,
        site_id uuid NOT NULL
      )`);
    this.addSql(`CREATE INDEX catalogue_location_site ON catalogue_location (site_id)`);
    // Each movement counted once, whoever applies it (the consumer, a replay, both).
    this.addSql(`
      CREATE TABLE catalogue_movement (
        movement_id bigint PRIMARY KEY,
        good_id uuid NOT NULL
      )`);
    // What can be held, by location: only the states inventory holds from.
    this.addSql(`
      CREATE TABLE catalogue_stock (
        good_id uuid NOT NULL,
        location_id uuid NOT NULL,
        quantity numeric(14, 3) NOT NULL,
        PRIMARY KEY (good_id, location_id)
      )`);
    this.addSql(`CREATE INDEX catalogue_stock_location ON catalogue_stock (location_id)`);
    this.addSql(`
      CREATE TABLE catalogue_good (
        good_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('item', 'lot')),
        unit text NOT NULL,
        -- what the describing event said (item.available, lot.offered), at its aggregate version
        described_version integer NOT NULL DEFAULT 0,
        described_at timestamptz,
        described_site_id uuid,
        offered_organisation_id uuid,
        iso_class text,
        category text,
        make text,
        model text,
        material_family text,
        condition_grade text CHECK (condition_grade IN ('A', 'B', 'C', 'D')),
        estimated boolean NOT NULL DEFAULT false,
        attributes jsonb NOT NULL DEFAULT '{}',
        -- a lot's window, from its offer or a later amendment
        window_version integer NOT NULL DEFAULT 0,
        available_from timestamptz,
        must_be_gone_by timestamptz,
        -- derived from the facts: never written by an event directly
        available_quantity numeric(14, 3) NOT NULL DEFAULT 0,
        site_id uuid,
        organisation_id uuid,
        locality text,
        latitude double precision,
        longitude double precision,
        listed boolean NOT NULL DEFAULT false,
        earth cube GENERATED ALWAYS AS (geo_point(latitude, longitude)) STORED,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('matching_french', coalesce(category, '') || ' ' || coalesce(material_family, '')), 'A') ||
          setweight(to_tsvector('matching_french', coalesce(make, '') || ' ' || coalesce(model, '')), 'B') ||
          setweight(to_tsvector('matching_french', coalesce(locality, '')), 'C')
        ) STORED
      )`);
    // Searches only ever look at listed goods: described and with something available.
    this.addSql(
      `CREATE INDEX catalogue_good_search ON catalogue_good USING gin (search) WHERE listed`,
    );
    this.addSql(
      `CREATE INDEX catalogue_good_earth ON catalogue_good USING gist (earth) WHERE listed`,
    );
    this.addSql(
      `CREATE INDEX catalogue_good_iso ON catalogue_good (iso_class text_pattern_ops) WHERE listed`,
    );
    this.addSql(
      `CREATE INDEX catalogue_good_newest ON catalogue_good (described_at DESC, good_id) WHERE listed`,
    );
    this.addSql(`CREATE INDEX catalogue_good_site ON catalogue_good (site_id)`);
    this.addSql(`CREATE INDEX catalogue_good_described_site ON catalogue_good (described_site_id)`);
  }
}
