import { Injectable } from '@nestjs/common';
import {
  InventoryHoldHandedOverV1,
  InventoryHoldPlacedV1,
  InventoryHoldRejectedV1,
  InventoryHoldReleasedV1,
  type EventData,
  type EventEnvelope,
} from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { OnEvent } from '@boucle/messaging';
import { ReservationsService } from './reservations.service.js';

/**
 * JetStream in, thin: inventory's side of the saga, a hold or a refusal for each request,
 * then the hold's end. A hold an operator placed in inventory directly (no reservation)
 * is no reservation of ours, but its end may tell that the good left for good.
 */
@Injectable()
export class HoldAnswersConsumer {
  constructor(private readonly reservations: ReservationsService) {}

  @OnEvent(InventoryHoldPlacedV1, { consumer: 'matching.hold-placed' })
  async onHoldPlaced(
    event: EventEnvelope<EventData<typeof InventoryHoldPlacedV1>>,
    em: EntityManager,
  ): Promise<void> {
    const { reservationId } = event.data;
    if (reservationId === null) return;
    await this.reservations.onHoldPlaced(em, { ...event.data, reservationId });
  }

  @OnEvent(InventoryHoldRejectedV1, { consumer: 'matching.hold-rejected' })
  async onHoldRejected(
    event: EventEnvelope<EventData<typeof InventoryHoldRejectedV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.reservations.onHoldRejected(em, event.data);
  }

  @OnEvent(InventoryHoldReleasedV1, { consumer: 'matching.hold-released' })
  async onHoldReleased(
    event: EventEnvelope<EventData<typeof InventoryHoldReleasedV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.reservations.onHoldReleased(em, event.data);
  }

  @OnEvent(InventoryHoldHandedOverV1, { consumer: 'matching.hold-handed-over' })
  async onHandedOver(
    event: EventEnvelope<EventData<typeof InventoryHoldHandedOverV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.reservations.onHandedOver(em, event.data);
  }
}
