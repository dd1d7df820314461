import {
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
  InventoryGoodCorrectedV1,
  InventoryGoodTransferredV1,
  InventoryGoodTransformedV1,
  InventoryHoldHandedOverV1,
  InventoryHoldPlacedV1,
  InventoryHoldRejectedV1,
  InventoryHoldReleasedV1,
  InventoryIntakeRecordedV1,
  InventoryItemAvailableV1,
  InventoryItemCertifiedV1,
  InventoryItemQuarantinedV1,
  InventoryItemRefurbishmentRecordedV1,
  InventoryItemReturnedV1,
  InventoryItemScrappedV1,
  InventoryItemTriagedV1,
  InventoryLotDivertedV1,
  InventoryLotOfferedV1,
  InventoryLotWindowAmendedV1,
  InventoryLotWithdrawnV1,
  InventoryRecallIssuedV1,
  InventoryRecallLiftedV1,
  InventorySiteRegisteredV1,
  InventoryStockMovedV1,
  MatchingNeedClosedV1,
  MatchingNeedRegisteredV1,
  MatchingReservationCancelledV1,
  MatchingReservationRequestedV1,
  MatchingReservationStatusChangedV1,
  type EventData,
  type EventDefinition,
} from '@boucle/contracts';

/**
 * The goods and holds, pickups and rounds, reservations and needs an event's payload
 * names: what a follower may be shown it for.
 */
export interface Names {
  goods: readonly string[];
  holds: readonly string[];
  pickups: readonly string[];
  rounds: readonly string[];
  reservations: readonly string[];
  needs: readonly string[];
}

export const NAMES_NOTHING: Names = {
  goods: [],
  holds: [],
  pickups: [],
  rounds: [],
  reservations: [],
  needs: [],
};

interface Reader {
  definition: EventDefinition;
  names(data: unknown): Names;
}

function reader<TDef extends EventDefinition>(
  definition: TDef,
  names: (data: EventData<TDef>) => Partial<Names>,
): Reader {
  return {
    definition,
    names: (data) => ({ ...NAMES_NOTHING, ...names(data as EventData<TDef>) }),
  };
}

const one = (id: string | null) => (id === null ? [] : [id]);

/**
 * What each event version names, read off its contract. A follower of goods, holds,
 * pickups, rounds, reservations or needs is shown an event only when it names one of them, so an event listed
 * here with nothing reaches only those who follow the whole cluster. Every published version has a line
 * (a test checks it): a new event that forgot one would reach no follower, never the
 * wrong one.
 */
const READERS: readonly Reader[] = [
  reader(InventoryIntakeRecordedV1, (d) => ({ goods: d.goodIds })),
  // A hold made for a reservation names it: its follower sees inventory's answer.
  reader(InventoryHoldPlacedV1, (d) => ({
    goods: [d.goodId],
    holds: [d.holdId],
    reservations: one(d.reservationId),
  })),
  reader(InventoryHoldReleasedV1, (d) => ({
    goods: [d.goodId],
    holds: [d.holdId],
    reservations: one(d.reservationId),
  })),
  reader(InventoryHoldHandedOverV1, (d) => ({
    goods: [d.goodId],
    holds: [d.holdId],
    reservations: one(d.reservationId),
  })),
  // A rejected reservation never became a hold: it names its good only.
  reader(InventoryHoldRejectedV1, (d) => ({
    goods: [d.goodId],
    reservations: [d.reservationId],
  })),
  // A reservation is its need's (who reaches the need reaches it) and concerns its good's
  // member; ids only travel, never who the beneficiary is.
  reader(MatchingReservationRequestedV1, (d) => ({
    goods: [d.goodId],
    reservations: [d.reservationId],
  })),
  reader(MatchingReservationStatusChangedV1, (d) => ({
    goods: [d.goodId],
    holds: one(d.holdId),
    reservations: [d.reservationId],
    needs: [d.needId],
  })),
  reader(MatchingReservationCancelledV1, (d) => ({
    goods: [d.goodId],
    holds: one(d.holdId),
    reservations: [d.reservationId],
  })),
  reader(InventoryStockMovedV1, (d) => ({ goods: [d.goodId], holds: one(d.holdId) })),
  reader(InventoryItemTriagedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryItemRefurbishmentRecordedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryItemCertifiedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryItemAvailableV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryItemReturnedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryItemQuarantinedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryItemScrappedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryLotOfferedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryLotDivertedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryLotWindowAmendedV1, (d) => ({
    goods: [d.goodId],
    holds: d.cappedHolds.map((hold) => hold.holdId),
  })),
  reader(InventoryLotWithdrawnV1, (d) => ({ goods: [d.goodId], holds: d.releasedHoldIds })),
  // Inputs and outputs belong to the member that recorded the transformation.
  reader(InventoryGoodTransformedV1, (d) => ({ goods: [...d.inputGoodIds, ...d.outputGoodIds] })),
  reader(InventoryGoodCorrectedV1, (d) => ({ goods: [d.goodId] })),
  reader(InventoryGoodTransferredV1, (d) => ({ goods: [d.goodId] })),
  // A recall names a make and model, not units: its units' followers learn of it through
  // their own events (holds released with reason `recalled`, a quarantine).
  reader(InventoryRecallIssuedV1, () => ({})),
  reader(InventoryRecallLiftedV1, () => ({})),
  // A new site names no good yet: the coordinator's, with the whole cluster.
  reader(InventorySiteRegisteredV1, () => ({})),
  // A need is a beneficiary's or a member's: followed by need, never through a good.
  reader(MatchingNeedRegisteredV1, (d) => ({ needs: [d.needId] })),
  reader(MatchingNeedClosedV1, (d) => ({ needs: [d.needId] })),
  // Collection's events name their pickup and, once it is on one, its round: the member
  // the pickup is for follows the pickup, the crew and its member follow the round. A lot's
  // pickup names the lot too, whose owner and takers follow it.
  reader(CollectionPickupRequestedV1, (d) => ({
    goods: d.lot ? [d.lot.goodId] : [],
    pickups: [d.pickupId],
  })),
  reader(CollectionPickupCompletedV1, (d) => ({
    goods: one(d.lotGoodId),
    pickups: [d.pickupId],
    rounds: [d.roundId],
  })),
  reader(CollectionLotPickupUnplannedV1, (d) => ({ goods: [d.lotGoodId], pickups: [d.pickupId] })),
  reader(CollectionPickupScheduledV1, (d) => ({ pickups: [d.pickupId], rounds: [d.roundId] })),
  reader(CollectionPickupUnplannedV1, (d) => ({ pickups: [d.pickupId] })),
  reader(CollectionPickupMissedV1, (d) => ({ pickups: [d.pickupId], rounds: [d.roundId] })),
  reader(CollectionPickupCancelledV1, (d) => ({ pickups: [d.pickupId] })),
  reader(CollectionPickupReminderDueV1, (d) => ({ pickups: [d.pickupId] })),
  reader(CollectionPickupLateV1, (d) => ({ pickups: [d.pickupId], rounds: [d.roundId] })),
  // A point's schedule is its member's business; no stream follows points.
  reader(CollectionPointScheduleChangedV1, () => ({})),
  // A planned round lists every stop on it, other members' pickups among them: it names the
  // round only. Each pickup's follower learns its own place from `pickup.scheduled`.
  reader(CollectionRoundPlannedV1, (d) => ({ rounds: [d.roundId] })),
  reader(CollectionRoundStartedV1, (d) => ({ rounds: [d.roundId] })),
  reader(CollectionRoundCompletedV1, (d) => ({ rounds: [d.roundId] })),
];

export const EVENT_READERS: ReadonlyMap<string, Reader> = new Map(
  READERS.map((r) => [r.definition.subject, r]),
);
