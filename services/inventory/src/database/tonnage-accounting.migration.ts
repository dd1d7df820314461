import { Migration } from '@boucle/database';

/**
 * Tonnes are weighed mass (DOMAIN.md): each good carries its share of the weighed net it came
 * in with (`weighed_kg`, beside the `weight_kg` declared for it), and an intake keeps what of
 * its net no good accounts for as unsorted mass (`unsorted_kg`), so that the intake's goods and
 * its unsorted mass always add up to its net.
 */
export class InventoryTonnageAccounting extends Migration {
  override up(): void {
    this.addSql(`ALTER TABLE good ADD COLUMN weighed_kg numeric(12, 3) CHECK (weighed_kg >= 0)`);
    this.addSql(`ALTER TABLE intake ADD COLUMN unsorted_kg numeric(12, 3) NOT NULL DEFAULT 0`);
    // Goods recorded before: their declared weight is the only mass known for them, and the
    // intake's unsorted mass is the rest of its net. Where the declared weights exceeded the
    // net (accepted then), they are kept and nothing is unsorted: the report stays balanced,
    // counting those intakes at their declared weight.
    this.addSql(`UPDATE good SET weighed_kg = weight_kg`);
    this.addSql(`
      UPDATE intake i SET unsorted_kg = greatest(i.net_weight_kg - coalesce(
        (SELECT sum(g.weighed_kg) FROM good g WHERE g.intake_id = i.id), 0), 0)`);
  }

  override down(): void {
    this.addSql(`ALTER TABLE intake DROP COLUMN unsorted_kg`);
    this.addSql(`ALTER TABLE good DROP COLUMN weighed_kg`);
  }
}
