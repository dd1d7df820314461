import type { EventDefinition } from '../event-definition.js';
import { InventoryHoldPlacedV1 } from './inventory-hold-placed.v1.js';
import { InventoryHoldRejectedV1 } from './inventory-hold-rejected.v1.js';
import { InventoryHoldReleasedV1 } from './inventory-hold-released.v1.js';
import { InventoryIntakeRecordedV1 } from './inventory-intake-recorded.v1.js';
import { MatchingReservationRequestedV1 } from './matching-reservation-requested.v1.js';
import {
  InventoryHoldHandedOverV1,
  InventoryItemAvailableV1,
  InventoryItemCertifiedV1,
  InventoryItemRefurbishmentRecordedV1,
  InventoryItemReturnedV1,
  InventoryItemTriagedV1,
} from './inventory-item-events.v1.js';
import { InventoryStockMovedV1 } from './inventory-stock-moved.v1.js';
import {
  InventoryGoodTransformedV1,
  InventoryLotDivertedV1,
  InventoryLotOfferedV1,
} from './inventory-lot-events.v1.js';

export * from './inventory-hold-placed.v1.js';
export * from './inventory-hold-rejected.v1.js';
export * from './inventory-hold-released.v1.js';
export * from './inventory-intake-recorded.v1.js';
export * from './matching-reservation-requested.v1.js';
export * from './inventory-item-events.v1.js';
export * from './inventory-stock-moved.v1.js';
export * from './inventory-lot-events.v1.js';

/** Every published event version; the AsyncAPI document and the example test read this list. */
export const ALL_EVENTS: readonly EventDefinition[] = [
  InventoryIntakeRecordedV1,
  InventoryHoldPlacedV1,
  InventoryHoldReleasedV1,
  InventoryHoldRejectedV1,
  MatchingReservationRequestedV1,
  InventoryStockMovedV1,
  InventoryItemTriagedV1,
  InventoryItemRefurbishmentRecordedV1,
  InventoryItemCertifiedV1,
  InventoryItemAvailableV1,
  InventoryItemReturnedV1,
  InventoryHoldHandedOverV1,
  InventoryLotOfferedV1,
  InventoryLotDivertedV1,
  InventoryGoodTransformedV1,
];
