import { Injectable } from '@nestjs/common';
import {
  InventoryItemAvailableV1,
  InventoryLotOfferedV1,
  InventoryLotWindowAmendedV1,
  InventorySiteRegisteredV1,
  InventoryStockMovedV1,
  type EventData,
  type EventEnvelope,
} from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { OnEvent } from '@boucle/messaging';
import { ProposalsService } from '../proposals/proposals.service.js';
import { NextInLine } from '../reservations/next-in-line.js';
import { CatalogueService } from './catalogue.service.js';
import { isCatalogueKind, leavesCirculation } from './holdable.js';

/*
 * Catalogue transactions lock several goods' rows; small batches keep two of them from
 * often waiting on each other (a deadlock is retried, but costs a round).
 */
const BATCH = 16;

/**
 * JetStream in, thin: inventory's sites, stock, aids made available and lots offered; the
 * goods they make available are put in line for the needs they fit, in the same transaction.
 */
@Injectable()
export class CatalogueConsumer {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly proposals: ProposalsService,
    private readonly nextInLine: NextInLine,
  ) {}

  @OnEvent(InventorySiteRegisteredV1, { consumer: 'matching.catalogue-sites', batchSize: BATCH })
  async onSiteRegistered(
    event: EventEnvelope<EventData<typeof InventorySiteRegisteredV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.proposals.drawLines(em, await this.catalogue.onSiteRegistered(em, event));
  }

  @OnEvent(InventoryStockMovedV1, { consumer: 'matching.catalogue-stock', batchSize: BATCH })
  async onStockMoved(
    event: EventEnvelope<EventData<typeof InventoryStockMovedV1>>,
    em: EntityManager,
  ): Promise<void> {
    const listed = await this.catalogue.onStockMoved(em, event);
    await this.proposals.drawLines(em, listed);
    // A hold that ended gives its stock back: if a reservation owes it, the next need gets it.
    await this.nextInLine.offer(em, listed);
    // Gone without a hold to let go (quarantined while on offer, a lot diverted): the
    // release that ends the waiting otherwise never comes.
    const { kind, to, goodId } = event.data;
    if (to && isCatalogueKind(kind) && leavesCirculation(kind, to.state))
      await this.nextInLine.leftForGood(em, goodId);
  }

  @OnEvent(InventoryItemAvailableV1, { consumer: 'matching.catalogue-items', batchSize: BATCH })
  async onItemAvailable(
    event: EventEnvelope<EventData<typeof InventoryItemAvailableV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.proposals.drawLines(em, await this.catalogue.onItemAvailable(em, event));
  }

  @OnEvent(InventoryLotOfferedV1, { consumer: 'matching.catalogue-lots', batchSize: BATCH })
  async onLotOffered(
    event: EventEnvelope<EventData<typeof InventoryLotOfferedV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.proposals.drawLines(em, await this.catalogue.onLotOffered(em, event));
  }

  @OnEvent(InventoryLotWindowAmendedV1, {
    consumer: 'matching.catalogue-lot-windows',
    batchSize: BATCH,
  })
  async onLotWindowAmended(
    event: EventEnvelope<EventData<typeof InventoryLotWindowAmendedV1>>,
    em: EntityManager,
  ): Promise<void> {
    await this.proposals.drawLines(em, await this.catalogue.onLotWindowAmended(em, event));
  }
}
