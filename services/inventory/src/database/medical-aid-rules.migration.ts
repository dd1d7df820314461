import { Migration } from '@boucle/database';

/**
 * Medical aids under the RBEU rules (decree 2025-247, NF S97-414): an aid's lifetime
 * counts from its manufacture or first use and is never restarted, and certification
 * fixes the day until which it is fit for use; a centre certificate can be revoked;
 * refurbishment records are append-only, a failed check being a record too.
 */
export class InventoryMedicalAidRules extends Migration {
  override up(): void {
    this.addSql(`
      ALTER TABLE good
        ADD COLUMN lifetime_starts_on date,
        ADD COLUMN lifetime_basis text CHECK (lifetime_basis IN ('manufacture', 'first-use')),
        ADD COLUMN fit_for_use_until date,
        ADD CONSTRAINT good_lifetime_known_check CHECK ((lifetime_starts_on IS NULL) = (lifetime_basis IS NULL))`);
    this.addSql(`
      ALTER TABLE centre_certificate
        ADD COLUMN revoked_at timestamptz,
        ADD COLUMN revocation_reason text,
        ADD COLUMN revoked_by jsonb,
        ADD CONSTRAINT centre_certificate_revocation_check
          CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revocation_reason IS NULL))`);
    // Every record is kept, in order: a gate recorded again is a new row, never an overwrite.
    this.addSql(
      `ALTER TABLE refurbishment_record DROP CONSTRAINT refurbishment_record_good_id_cycle_gate_key`,
    );
    this.addSql(
      `CREATE INDEX refurbishment_record_good_cycle_idx ON refurbishment_record (good_id, cycle, id)`,
    );
    this.addSql(`
      CREATE FUNCTION refurbishment_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'refurbishment_record is append-only';
      END $$`);
    this.addSql(`
      CREATE TRIGGER refurbishment_record_append_only BEFORE UPDATE OR DELETE ON refurbishment_record
      FOR EACH ROW EXECUTE FUNCTION refurbishment_record_append_only()`);
  }
}
