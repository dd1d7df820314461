import { Injectable } from '@nestjs/common';
import {
  MatchingReservationCancelledV1,
  MatchingReservationRequestedV1,
  type EventData,
  type EventEnvelope,
} from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { OnEvent } from '@boucle/messaging';
import { HoldsService } from './holds.service.js';

/**
 * JetStream in, thin: a reservation requested in matching becomes a hold, or a rejection;
 * one matching lets go releases its hold.
 */
@Injectable()
export class ReservationRequestsConsumer {
  constructor(private readonly holds: HoldsService) {}

  @OnEvent(MatchingReservationRequestedV1, { consumer: 'inventory.reservation-requested' })
  async onRequested(
    event: EventEnvelope<EventData<typeof MatchingReservationRequestedV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.holds.holdForReservation(em, event.data, event.id, event.correlationId);
  }

  @OnEvent(MatchingReservationCancelledV1, { consumer: 'inventory.reservation-cancelled' })
  async onCancelled(
    event: EventEnvelope<EventData<typeof MatchingReservationCancelledV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.holds.releaseForReservation(em, event.data);
  }
}
