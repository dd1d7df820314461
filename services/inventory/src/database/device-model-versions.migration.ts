import { Migration } from '@boucle/database';

/**
 * Device models are the cluster's shared reference, curated by the coordinator: each
 * change is a new version, kept, and a refurbishment cycle follows the version it
 * started with, so a checklist changed mid-cycle never changes what an aid was
 * checked against.
 */
export class InventoryDeviceModelVersions extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE device_model_version (
        make text NOT NULL,
        model text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        iso_class text NOT NULL,
        lifetime_years integer NOT NULL CHECK (lifetime_years > 0),
        checklist jsonb NOT NULL,
        instructions_ref text NOT NULL,
        recorded_by jsonb,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (make, model, version)
      )`);
    this.addSql(`ALTER TABLE device_model ADD COLUMN version integer NOT NULL DEFAULT 1`);
    this.addSql(`
      INSERT INTO device_model_version (make, model, version, iso_class, lifetime_years, checklist, instructions_ref)
      SELECT make, model, version, iso_class, lifetime_years, checklist, instructions_ref FROM device_model`);
    this.addSql(`
      ALTER TABLE device_model
        ADD CONSTRAINT device_model_current_version_fkey
        FOREIGN KEY (make, model, version) REFERENCES device_model_version (make, model, version)`);
    // The version the current refurbishment cycle started with; none before the first start.
    this.addSql(`ALTER TABLE good ADD COLUMN device_model_version integer`);
    // Versions are history: never rewritten.
    this.addSql(`
      CREATE FUNCTION device_model_version_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'device model versions are never changed or removed';
      END $$`);
    this.addSql(`
      CREATE TRIGGER device_model_version_append_only BEFORE UPDATE OR DELETE ON device_model_version
      FOR EACH ROW EXECUTE FUNCTION device_model_version_append_only()`);
  }

  override down(): void {
    this.addSql(`ALTER TABLE good DROP COLUMN device_model_version`);
    this.addSql(`ALTER TABLE device_model DROP CONSTRAINT device_model_current_version_fkey`);
    this.addSql(`ALTER TABLE device_model DROP COLUMN version`);
    this.addSql(`DROP TABLE device_model_version`);
    this.addSql(`DROP FUNCTION device_model_version_append_only()`);
  }
}
