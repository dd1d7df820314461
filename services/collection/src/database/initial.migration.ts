import { Migration } from '@boucle/database';

/**
 * The collection schema. Its rules are enforced here, not only in code: a lot's pickup
 * ends by the lot's mustBeGoneBy, a collection point has one open threshold pickup and
 * one pickup per scheduled day, a pickup sits on one pending stop at a time, is
 * collected once, and each notice (reminder, lateness, lot warning) is given once.
 */
export class CollectionInitial extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE collection_point (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('shop', 'business')),
        address text NOT NULL,
        latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
        locality text NOT NULL,
        expected_load jsonb NOT NULL,
        skills jsonb NOT NULL,
        goods jsonb NOT NULL,
        deliver_site_id uuid NOT NULL,
        deliver_location_id uuid NOT NULL,
        threshold_full_crates integer CHECK (threshold_full_crates > 0),
        threshold_fill_percent integer CHECK (threshold_fill_percent BETWEEN 1 AND 100),
        threshold_window_hours integer NOT NULL CHECK (threshold_window_hours > 0),
        schedule jsonb,
        schedule_revision integer NOT NULL DEFAULT 0,
        last_full_crates integer,
        last_fill_percent integer,
        last_reported_at timestamptz,
        actor jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE pickup (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('home', 'construction-site', 'shop', 'business')),
        mode text NOT NULL CHECK (mode IN ('pickup', 'construction-site', 'shop')),
        origin text NOT NULL CHECK (origin IN ('request', 'schedule', 'threshold')),
        point_id uuid REFERENCES collection_point (id),
        -- the Paris day a scheduled point's pickup is for
        occurrence_day date,
        status text NOT NULL DEFAULT 'requested'
          CHECK (status IN ('requested', 'scheduled', 'collected', 'missed', 'cancelled')),
        address text NOT NULL,
        latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
        locality text NOT NULL,
        donor_ref text,
        -- [{from, until}] in UTC, ordered; the bounds below are kept with them for queries
        windows jsonb NOT NULL,
        windows_from timestamptz NOT NULL,
        windows_until timestamptz NOT NULL,
        expected_load jsonb NOT NULL,
        skills jsonb NOT NULL,
        goods jsonb NOT NULL,
        deliver_site_id uuid NOT NULL,
        deliver_location_id uuid NOT NULL,
        lot_good_id uuid,
        must_be_gone_by timestamptz,
        unplanned_reason text,
        misses integer NOT NULL DEFAULT 0,
        cancel_reason text,
        actor jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (windows_until > windows_from),
        CHECK ((kind = 'construction-site') = (lot_good_id IS NOT NULL)),
        CHECK ((lot_good_id IS NULL) = (must_be_gone_by IS NULL)),
        CHECK ((origin = 'request') = (point_id IS NULL)),
        CHECK ((origin = 'schedule') = (occurrence_day IS NOT NULL)),
        CONSTRAINT pickup_windows_before_gone
          CHECK (must_be_gone_by IS NULL OR windows_until <= must_be_gone_by)
      )`);
    // Two fill reports racing each see the threshold reached: the second insert finds this.
    this.addSql(`
      CREATE UNIQUE INDEX pickup_one_open_threshold ON pickup (point_id)
        WHERE origin = 'threshold' AND status IN ('requested', 'scheduled', 'missed')`);
    // A scheduler that fires twice for one occurrence (a retry, a replaced scheduler) opens one pickup.
    this.addSql(`
      CREATE UNIQUE INDEX pickup_one_per_occurrence ON pickup (point_id, occurrence_day)
        WHERE origin = 'schedule'`);
    this.addSql(`CREATE INDEX pickup_open_by_window ON pickup (windows_from, windows_until)
        WHERE status IN ('requested', 'scheduled')`);
    this.addSql(`CREATE INDEX pickup_by_organisation ON pickup (organisation_id, created_at DESC)`);
    this.addSql(`
      CREATE TABLE vehicle (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        name text NOT NULL,
        capacity jsonb NOT NULL,
        skills jsonb NOT NULL,
        depot_latitude double precision NOT NULL CHECK (depot_latitude BETWEEN -90 AND 90),
        depot_longitude double precision NOT NULL CHECK (depot_longitude BETWEEN -180 AND 180),
        work_from text NOT NULL,
        work_until text NOT NULL,
        break jsonb,
        service_minutes integer NOT NULL CHECK (service_minutes > 0),
        actor jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (work_until > work_from)
      )`);
    this.addSql(`
      CREATE TABLE day_plan (
        day date PRIMARY KEY,
        requested_revision integer NOT NULL CHECK (requested_revision > 0),
        planned_revision integer NOT NULL DEFAULT 0,
        planned_at timestamptz,
        CHECK (planned_revision <= requested_revision)
      )`);
    this.addSql(`
      CREATE TABLE round (
        id uuid PRIMARY KEY,
        day date NOT NULL,
        vehicle_id uuid NOT NULL REFERENCES vehicle (id),
        organisation_id uuid NOT NULL,
        driver_id text,
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'started', 'completed')),
        plan_revision integer NOT NULL CHECK (plan_revision > 0),
        distance_km numeric(10, 3) NOT NULL CHECK (distance_km >= 0),
        started_at timestamptz,
        completed_at timestamptz,
        UNIQUE (day, vehicle_id)
      )`);
    this.addSql(`CREATE INDEX round_by_driver ON round (driver_id, day)`);
    this.addSql(`
      CREATE TABLE round_stop (
        round_id uuid NOT NULL REFERENCES round (id),
        pickup_id uuid NOT NULL REFERENCES pickup (id),
        sequence integer NOT NULL CHECK (sequence > 0),
        eta timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'collected', 'missed')),
        PRIMARY KEY (round_id, pickup_id)
      )`);
    // A pickup waits on one stop at a time, whatever two plans racing would write.
    this.addSql(`CREATE UNIQUE INDEX round_stop_one_pending ON round_stop (pickup_id)
        WHERE status = 'pending'`);
    this.addSql(`
      CREATE TABLE collection_record (
        pickup_id uuid NOT NULL REFERENCES pickup (id),
        round_id uuid NOT NULL REFERENCES round (id),
        collected_at timestamptz NOT NULL,
        actual jsonb NOT NULL,
        goods jsonb NOT NULL,
        photo_refs jsonb NOT NULL,
        signature_ref text,
        actor jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT collection_record_pkey PRIMARY KEY (pickup_id)
      )`);
    this.addSql(`
      CREATE TABLE miss_record (
        pickup_id uuid NOT NULL REFERENCES pickup (id),
        round_id uuid NOT NULL REFERENCES round (id),
        reason text NOT NULL,
        attempt integer NOT NULL CHECK (attempt > 0),
        actor jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pickup_id, round_id)
      )`);
    // Each notice a job gives (a reminder for a day, lateness on a round, a lot's warning) once.
    this.addSql(`
      CREATE TABLE pickup_notice (
        pickup_id uuid NOT NULL REFERENCES pickup (id),
        kind text NOT NULL CHECK (kind IN ('reminder', 'late', 'lot-unplanned', 'reschedule')),
        key text NOT NULL,
        given_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pickup_id, kind, key)
      )`);
  }
}
