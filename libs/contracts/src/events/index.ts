import type { EventDefinition } from '../event-definition.js';
import { InventoryGoodCorrectedV1 } from './inventory-good-corrected.v1.js';
import { InventoryGoodTransformedV1 } from './inventory-good-transformed.v1.js';
import { InventoryGoodTransferredV1 } from './inventory-good-transferred.v1.js';
import { InventoryHoldHandedOverV1 } from './inventory-hold-handed-over.v1.js';
import { InventoryHoldPlacedV1 } from './inventory-hold-placed.v1.js';
import { InventoryHoldRejectedV1 } from './inventory-hold-rejected.v1.js';
import { InventoryHoldReleasedV1 } from './inventory-hold-released.v1.js';
import { InventoryIntakeRecordedV1 } from './inventory-intake-recorded.v1.js';
import { InventoryItemAvailableV1 } from './inventory-item-available.v1.js';
import { InventoryItemCertifiedV1 } from './inventory-item-certified.v1.js';
import { InventoryItemQuarantinedV1 } from './inventory-item-quarantined.v1.js';
import { InventoryItemRefurbishmentRecordedV1 } from './inventory-item-refurbishment-recorded.v1.js';
import { InventoryItemReturnedV1 } from './inventory-item-returned.v1.js';
import { InventoryItemScrappedV1 } from './inventory-item-scrapped.v1.js';
import { InventoryItemTriagedV1 } from './inventory-item-triaged.v1.js';
import { InventoryLotDivertedV1 } from './inventory-lot-diverted.v1.js';
import { InventoryLotOfferedV1 } from './inventory-lot-offered.v1.js';
import { InventoryLotWindowAmendedV1 } from './inventory-lot-window-amended.v1.js';
import { InventoryLotWithdrawnV1 } from './inventory-lot-withdrawn.v1.js';
import { InventoryRecallIssuedV1 } from './inventory-recall-issued.v1.js';
import { InventoryRecallLiftedV1 } from './inventory-recall-lifted.v1.js';
import { InventoryStockMovedV1 } from './inventory-stock-moved.v1.js';
import { MatchingReservationRequestedV1 } from './matching-reservation-requested.v1.js';

export * from './inventory-good-corrected.v1.js';
export * from './inventory-good-transformed.v1.js';
export * from './inventory-good-transferred.v1.js';
export * from './inventory-hold-handed-over.v1.js';
export * from './inventory-hold-placed.v1.js';
export * from './inventory-hold-rejected.v1.js';
export * from './inventory-hold-released.v1.js';
export * from './inventory-intake-recorded.v1.js';
export * from './inventory-item-available.v1.js';
export * from './inventory-item-certified.v1.js';
export * from './inventory-item-quarantined.v1.js';
export * from './inventory-item-refurbishment-recorded.v1.js';
export * from './inventory-item-returned.v1.js';
export * from './inventory-item-scrapped.v1.js';
export * from './inventory-item-triaged.v1.js';
export * from './inventory-lot-diverted.v1.js';
export * from './inventory-lot-offered.v1.js';
export * from './inventory-lot-window-amended.v1.js';
export * from './inventory-lot-withdrawn.v1.js';
export * from './inventory-recall-issued.v1.js';
export * from './inventory-recall-lifted.v1.js';
export * from './inventory-stock-moved.v1.js';
export * from './matching-reservation-requested.v1.js';

/**
 * Every published event version, one file each; the AsyncAPI document and the
 * example test read this list, and `names.spec.ts` checks that none is missing.
 */
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
  InventoryLotWindowAmendedV1,
  InventoryLotWithdrawnV1,
  InventoryGoodTransformedV1,
  InventoryGoodCorrectedV1,
  InventoryGoodTransferredV1,
  InventoryItemQuarantinedV1,
  InventoryItemScrappedV1,
  InventoryRecallIssuedV1,
  InventoryRecallLiftedV1,
];
