import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type {
  CatalogueGoodV1,
  EventData,
  EventEnvelope,
  GetCatalogueGoodV1,
  InventoryItemAvailableV1,
  InventoryLotOfferedV1,
  InventoryLotWindowAmendedV1,
  InventorySiteRegisteredV1,
  InventoryStockMovedV1,
  SearchCatalogueResultV1,
  SearchCatalogueV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { notFound } from '../common/errors.js';
import { CatalogueRepository } from './catalogue.repository.js';
import { CatalogueSearchRepository } from './catalogue-search.repository.js';
import { isCatalogueKind, isHoldable } from './holdable.js';
import { isoClassName } from './iso-classes.js';

type Envelope<T> = EventEnvelope<T>;

/** The aggregate version an event carries; events recorded before versions existed count as 0. */
function versionOf(event: Envelope<unknown>): number {
  return event.aggregate?.version ?? 0;
}

/**
 * The catalogue: what inventory says can be reserved, kept from its events and searched
 * by people. Each event records its facts, then the goods they touch are derived again
 * from all the facts, so that the order and repetition of events never matter. The same
 * methods serve the live consumers and a rebuild from the stream.
 */
@Injectable()
export class CatalogueService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly facts: CatalogueRepository,
    private readonly searches: CatalogueSearchRepository,
  ) {}

  /*
   * Each method answers the goods it made listed (available again, or for the first
   * time): those whose needs are to be put in line.
   */

  async onSiteRegistered(
    em: EntityManager,
    event: Envelope<EventData<typeof InventorySiteRegisteredV1>>,
  ): Promise<string[]> {
    const site = event.data;
    await this.facts.lockSites(em, 'exclusive');
    await this.facts.recordSite(em, {
      siteId: site.siteId,
      organisationId: site.organisationId,
      kind: site.kind,
      locality: site.locality,
      position: site.position,
      locationIds: site.locations.map((l) => l.id),
    });
    const goods = await this.facts.lockGoodsOfSite(em, site.siteId);
    await this.facts.refresh(em, goods);
    // Every line of the site's goods, not only of those listed just now: a good offered
    // before its site was heard of is listed already, and only now has a distance to fit by.
    return goods;
  }

  async onStockMoved(
    em: EntityManager,
    event: Envelope<EventData<typeof InventoryStockMovedV1>>,
  ): Promise<string[]> {
    const m = event.data;
    if (!isCatalogueKind(m.kind)) return [];
    const from = m.from && isHoldable(m.kind, m.from.state) ? m.from : null;
    const to = m.to && isHoldable(m.kind, m.to.state) ? m.to : null;
    // Between two states nobody holds from (refurbishing → quality-checked): nothing to count.
    if (!from && !to) return [];
    await this.facts.lockSites(em, 'shared');
    await this.facts.lockGood(em, m.goodId, m.kind, m.unit);
    const counted = await this.facts.recordMovement(em, {
      movementId: m.movementId,
      goodId: m.goodId,
      kind: m.kind,
      unit: m.unit,
      quantity: m.quantity,
      from,
      to,
    });
    return counted ? this.facts.refresh(em, [m.goodId]) : [];
  }

  async onItemAvailable(
    em: EntityManager,
    event: Envelope<EventData<typeof InventoryItemAvailableV1>>,
  ): Promise<string[]> {
    const item = event.data;
    await this.facts.lockSites(em, 'shared');
    await this.facts.lockGood(em, item.goodId, 'item', 'unit');
    await this.facts.describeItem(em, {
      goodId: item.goodId,
      version: versionOf(event),
      at: event.occurredAt,
      siteId: item.siteId,
      isoClass: item.isoClass,
      category: isoClassName(item.isoClass),
      make: item.make,
      model: item.model,
      attributes: item.attributes,
    });
    return this.facts.refresh(em, [item.goodId]);
  }

  async onLotOffered(
    em: EntityManager,
    event: Envelope<EventData<typeof InventoryLotOfferedV1>>,
  ): Promise<string[]> {
    const lot = event.data;
    await this.facts.lockSites(em, 'shared');
    await this.facts.lockGood(em, lot.goodId, 'lot', lot.unit);
    await this.facts.describeLot(em, {
      goodId: lot.goodId,
      version: versionOf(event),
      at: event.occurredAt,
      siteId: lot.siteId,
      organisationId: lot.organisationId,
      materialFamily: lot.materialFamily,
      unit: lot.unit,
      conditionGrade: lot.conditionGrade,
      estimated: lot.estimated,
      availableFrom: lot.availableFrom,
      mustBeGoneBy: lot.mustBeGoneBy,
    });
    return this.facts.refresh(em, [lot.goodId]);
  }

  async onLotWindowAmended(
    em: EntityManager,
    event: Envelope<EventData<typeof InventoryLotWindowAmendedV1>>,
  ): Promise<string[]> {
    const lot = event.data;
    await this.facts.lockSites(em, 'shared');
    // The unit is the offer's; a row made here gets it when the offer arrives.
    await this.facts.lockGood(em, lot.goodId, 'lot', 'unit');
    await this.facts.setWindow(
      em,
      lot.goodId,
      versionOf(event),
      lot.availableFrom,
      lot.mustBeGoneBy,
    );
    // The window is read when searching and matching, not kept in `listed`.
    return [];
  }

  search(
    query: z.output<typeof SearchCatalogueV1>,
  ): Promise<z.input<typeof SearchCatalogueResultV1>> {
    return this.searches.search(this.orm.em.fork(), query);
  }

  async get(query: z.output<typeof GetCatalogueGoodV1>): Promise<z.input<typeof CatalogueGoodV1>> {
    const good = await this.searches.get(this.orm.em.fork(), query.goodId);
    if (!good) throw notFound('good', query.goodId);
    return good;
  }
}
