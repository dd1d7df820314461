import { Migration } from '@boucle/database';

/**
 * Matching may let a reservation go before it has heard of its hold: inventory then finds
 * the hold by the reservation it was placed for.
 */
export class InventoryReservationHolds extends Migration {
  override up(): void {
    this.addSql(
      `CREATE INDEX hold_reservation_idx ON hold (reservation_id) WHERE reservation_id IS NOT NULL`,
    );
  }
}
