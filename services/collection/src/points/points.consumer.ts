import { Injectable } from '@nestjs/common';
import {
  CollectionPointScheduleChangedV1,
  type EventData,
  type EventEnvelope,
} from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { OnEvent } from '@boucle/messaging';
import { PointsService } from './points.service.js';

/**
 * JetStream in, thin: a point's schedule changed, so its BullMQ scheduler is upserted (or
 * removed) here, once per change, by whichever replica takes the event; a Redis failure
 * is retried with the event, which is acked only once the scheduler is in place.
 */
@Injectable()
export class PointSchedulesConsumer {
  constructor(private readonly points: PointsService) {}

  @OnEvent(CollectionPointScheduleChangedV1, { consumer: 'collection.point-schedules' })
  async onScheduleChanged(
    event: EventEnvelope<EventData<typeof CollectionPointScheduleChangedV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.points.applyScheduler(em, event.data.pointId);
  }
}
