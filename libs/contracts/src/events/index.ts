import type { EventDefinition } from '../event-definition.js';
import { CollectionLotPickupUnplannedV1 } from './collection-lot-pickup-unplanned.v1.js';
import { CollectionPickupCancelledV1 } from './collection-pickup-cancelled.v1.js';
import { CollectionPickupCompletedV1 } from './collection-pickup-completed.v1.js';
import { CollectionPickupLateV1 } from './collection-pickup-late.v1.js';
import { CollectionPickupMissedV1 } from './collection-pickup-missed.v1.js';
import { CollectionPickupReminderDueV1 } from './collection-pickup-reminder-due.v1.js';
import { CollectionPickupRequestedV1 } from './collection-pickup-requested.v1.js';
import { CollectionPickupScheduledV1 } from './collection-pickup-scheduled.v1.js';
import { CollectionPickupUnplannedV1 } from './collection-pickup-unplanned.v1.js';
import { CollectionPointScheduleChangedV1 } from './collection-point-schedule-changed.v1.js';
import { CollectionRoundCompletedV1 } from './collection-round-completed.v1.js';
import { CollectionRoundPlannedV1 } from './collection-round-planned.v1.js';
import { CollectionRoundStartedV1 } from './collection-round-started.v1.js';
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
import { InventorySiteRegisteredV1 } from './inventory-site-registered.v1.js';
import { InventoryStockMovedV1 } from './inventory-stock-moved.v1.js';
import { MatchingNeedClosedV1 } from './matching-need-closed.v1.js';
import { MatchingNeedRegisteredV1 } from './matching-need-registered.v1.js';
import { MatchingReservationCancelledV1 } from './matching-reservation-cancelled.v1.js';
import { MatchingReservationRequestedV1 } from './matching-reservation-requested.v1.js';
import { MatchingReservationStatusChangedV1 } from './matching-reservation-status-changed.v1.js';

export * from './collection-common.v1.js';
export * from './collection-lot-pickup-unplanned.v1.js';
export * from './collection-pickup-cancelled.v1.js';
export * from './collection-pickup-completed.v1.js';
export * from './collection-pickup-late.v1.js';
export * from './collection-pickup-missed.v1.js';
export * from './collection-pickup-reminder-due.v1.js';
export * from './collection-pickup-requested.v1.js';
export * from './collection-pickup-scheduled.v1.js';
export * from './collection-pickup-unplanned.v1.js';
export * from './collection-point-schedule-changed.v1.js';
export * from './collection-round-completed.v1.js';
export * from './collection-round-planned.v1.js';
export * from './collection-round-started.v1.js';
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
export * from './inventory-site-registered.v1.js';
export * from './inventory-stock-moved.v1.js';
export * from './matching-common.v1.js';
export * from './matching-need-closed.v1.js';
export * from './matching-need-registered.v1.js';
export * from './matching-reservation-cancelled.v1.js';
export * from './matching-reservation-requested.v1.js';
export * from './matching-reservation-status-changed.v1.js';

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
  CollectionLotPickupUnplannedV1,
  CollectionPickupCancelledV1,
  CollectionPickupCompletedV1,
  CollectionPickupLateV1,
  CollectionPickupMissedV1,
  CollectionPickupReminderDueV1,
  CollectionPickupRequestedV1,
  CollectionPickupScheduledV1,
  CollectionPickupUnplannedV1,
  CollectionPointScheduleChangedV1,
  CollectionRoundCompletedV1,
  CollectionRoundPlannedV1,
  CollectionRoundStartedV1,
  InventorySiteRegisteredV1,
  MatchingNeedRegisteredV1,
  MatchingNeedClosedV1,
  MatchingReservationCancelledV1,
  MatchingReservationStatusChangedV1,
];
