import { Injectable } from '@nestjs/common';
import { CollectionPickupCompletedV1, type EventData, type EventEnvelope } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { OnEvent } from '@boucle/messaging';
import { CollectionsService } from './collections.service.js';

/**
 * JetStream in, thin: a pickup collected by a crew becomes the intake at the site it was
 * taken to, or, from a construction site, the collection of the firm's lot.
 */
@Injectable()
export class CompletedPickupsConsumer {
  constructor(private readonly collections: CollectionsService) {}

  @OnEvent(CollectionPickupCompletedV1, { consumer: 'inventory.pickup-completed' })
  async onCompleted(
    event: EventEnvelope<EventData<typeof CollectionPickupCompletedV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.collections.takeIn(em, event.data, event.id);
  }
}
