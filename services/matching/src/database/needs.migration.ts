import { Migration } from '@boucle/database';

/**
 * Beneficiaries and needs. Personal data (a beneficiary's name, contact and address; a
 * need's health details and exact place) is only ever in the `sealed` columns, encrypted
 * by the service with the key named beside it; everything else here is what matching
 * ranks and counts on, and names nobody. A beneficiary is known everywhere else by their
 * pseudonymous `ref` alone. Erasure empties the sealed columns for good and keeps the rest.
 */
export class MatchingNeeds extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE beneficiary (
        ref text PRIMARY KEY,
        -- the person's own account, when they act for themselves
        user_id text UNIQUE,
        -- the member acting for them (a social service); null when on their own
        organisation_id uuid,
        registered_by text NOT NULL,
        sealed bytea,
        key_id text,
        registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        erased_at timestamptz,
        CHECK ((sealed IS NULL) = (key_id IS NULL)),
        CHECK (erased_at IS NULL OR (sealed IS NULL AND user_id IS NULL))
      )`);
    this.addSql(`CREATE INDEX beneficiary_organisation ON beneficiary (organisation_id)`);
    this.addSql(`
      CREATE TABLE need (
        id uuid PRIMARY KEY,
        -- registration order: ties in ranking go to the need registered first
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        kind text NOT NULL CHECK (kind IN ('medical-aid', 'material')),
        status text NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'withdrawn', 'fulfilled', 'expired', 'erased')),
        beneficiary_ref text REFERENCES beneficiary (ref),
        organisation_id uuid,
        registered_by text NOT NULL,
        iso_class text,
        constraints jsonb NOT NULL DEFAULT '{}',
        material_family text,
        quantity numeric(14, 3) CHECK (quantity > 0),
        unit text,
        min_condition_grade text CHECK (min_condition_grade IN ('A', 'B', 'C', 'D')),
        urgency text NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
        needed_by date,
        deadline timestamptz,
        -- where the search measures from: rounded, never the person's door
        search_latitude double precision NOT NULL CHECK (search_latitude BETWEEN -90 AND 90),
        search_longitude double precision NOT NULL CHECK (search_longitude BETWEEN -180 AND 180),
        locality text NOT NULL,
        max_distance_km double precision NOT NULL CHECK (max_distance_km > 0),
        social_priority integer NOT NULL DEFAULT 0,
        sealed bytea,
        key_id text,
        registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        closed_at timestamptz,
        CHECK ((sealed IS NULL) = (key_id IS NULL)),
        CHECK ((kind = 'medical-aid') = (beneficiary_ref IS NOT NULL)),
        CHECK ((kind = 'medical-aid') = (iso_class IS NOT NULL)),
        CHECK ((kind = 'material') = (material_family IS NOT NULL AND quantity IS NOT NULL
                                      AND unit IS NOT NULL AND deadline IS NOT NULL)),
        CHECK ((status = 'open') = (closed_at IS NULL))
      )`);
    this.addSql(`CREATE INDEX need_open ON need (kind, iso_class, seq) WHERE status = 'open'`);
    this.addSql(`CREATE INDEX need_beneficiary ON need (beneficiary_ref, seq)`);
    this.addSql(`CREATE INDEX need_organisation ON need (organisation_id, seq)`);
    // What the re-seal after a key rotation looks for.
    this.addSql(`CREATE INDEX beneficiary_key ON beneficiary (key_id) WHERE sealed IS NOT NULL`);
    this.addSql(`CREATE INDEX need_key ON need (key_id) WHERE sealed IS NOT NULL`);
  }
}
