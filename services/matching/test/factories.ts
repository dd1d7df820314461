import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  InventoryItemAvailableV1,
  InventoryLotOfferedV1,
  InventoryLotWindowAmendedV1,
  InventorySiteRegisteredV1,
  InventoryStockMovedV1,
  type EventDefinition,
  type EventEnvelope,
  type GeoPoint,
} from '@boucle/contracts';
import { buildEnvelope, type Naming } from '@boucle/messaging';
import type { z } from 'zod';

/*
 * Test data with defaults, so that a test states only what it is about: inventory's sites,
 * aids and lots as its events tell them, in the order and with the versions inventory's
 * outbox would give them.
 */

const INVENTORY = { userId: 'inventory', role: 'system', organisationId: null } as const;

/** Places of the Amiens metropole, for distances. */
export const PLACES = {
  amiens: { latitude: 49.8941, longitude: 2.2958 },
  longueau: { latitude: 49.8722, longitude: 2.3592 },
  abbeville: { latitude: 50.1054, longitude: 1.8332 },
  lille: { latitude: 50.6292, longitude: 3.0573 },
} satisfies Record<string, GeoPoint>;

export interface TestSite {
  siteId: string;
  organisationId: string;
  locationId: string;
}

/** Inventory's side: each event published as its relay would, versions counted per aggregate. */
export class InventoryFeed {
  private readonly versions = new Map<string, number>();
  private movements = 0;
  private resent = 0;
  /** Everything published, in order, to publish again (a replay, a redelivery). */
  readonly published: EventEnvelope[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly naming: Naming,
  ) {}

  /** Builds the envelope with the aggregate's next version, without publishing it. */
  envelope<TDef extends EventDefinition>(def: TDef, data: z.input<TDef['schema']>): EventEnvelope {
    const envelope = buildEnvelope(def, data, { actor: INVENTORY });
    const key = `${envelope.aggregate!.type}/${envelope.aggregate!.id}`;
    const version = (this.versions.get(key) ?? 0) + 1;
    this.versions.set(key, version);
    envelope.aggregate!.version = version;
    return envelope;
  }

  async publish(...envelopes: EventEnvelope[]): Promise<void> {
    for (const envelope of envelopes) {
      await this.send(envelope, envelope.id);
      this.published.push(envelope);
    }
  }

  /**
   * The same events stored once more, as a relay resending them after the stream's
   * duplicate window would: another message id, the same event id.
   */
  async publishAgain(...envelopes: EventEnvelope[]): Promise<void> {
    for (const envelope of envelopes) await this.send(envelope, `${envelope.id}:${++this.resent}`);
  }

  private async send(envelope: EventEnvelope, msgID: string): Promise<void> {
    await jetstream(this.nc).publish(
      this.naming.subject(`${envelope.type}.v${envelope.version}`),
      JSON.stringify(envelope),
      { msgID },
    );
  }

  async emit<TDef extends EventDefinition>(def: TDef, data: z.input<TDef['schema']>) {
    const envelope = this.envelope(def, data);
    await this.publish(envelope);
    return envelope;
  }

  siteEvent(
    position: GeoPoint | null = PLACES.amiens,
    overrides: Partial<z.input<typeof InventorySiteRegisteredV1.schema>> = {},
  ): { site: TestSite; event: EventEnvelope } {
    const site = { siteId: randomUUID(), organisationId: randomUUID(), locationId: randomUUID() };
    const event = this.envelope(InventorySiteRegisteredV1, {
      siteId: site.siteId,
      organisationId: site.organisationId,
      kind: 'reuse-village',
      locality: 'Amiens',
      position,
      locations: [{ id: site.locationId, name: 'Stock' }],
      ...overrides,
    });
    return { site, event };
  }

  async site(
    position: GeoPoint | null = PLACES.amiens,
    overrides: Partial<z.input<typeof InventorySiteRegisteredV1.schema>> = {},
  ): Promise<TestSite> {
    const { site, event } = this.siteEvent(position, overrides);
    await this.publish(event);
    return site;
  }

  moved(
    goodId: string,
    kind: 'item' | 'lot' | 'pool' | 'bulk',
    quantity: string,
    from: { state: string; locationId: string } | null,
    to: { state: string; locationId: string } | null,
    unit: 'unit' | 'm2' | 'm3' | 'm' | 'kg' = 'unit',
  ): EventEnvelope {
    return this.envelope(InventoryStockMovedV1, {
      movementId: String(++this.movements),
      goodId,
      kind,
      quantity,
      unit,
      from,
      to,
      reason: 'test',
      holdId: null,
    });
  }

  /**
   * A certified aid released for use at a site, as inventory tells it: its way through the
   * gates into `available`, then the available event with its class and attributes.
   */
  aidEvents(
    site: TestSite,
    overrides: Partial<z.input<typeof InventoryItemAvailableV1.schema>> = {},
  ): { goodId: string; events: EventEnvelope[] } {
    const goodId = randomUUID();
    const at = (state: string) => ({ state, locationId: site.locationId });
    return {
      goodId,
      events: [
        this.moved(goodId, 'item', '1', null, at('received')),
        this.moved(goodId, 'item', '1', at('received'), at('certified')),
        this.moved(goodId, 'item', '1', at('certified'), at('available')),
        this.envelope(InventoryItemAvailableV1, {
          make: 'Invacare',
          model: 'Action 3',
          serialNumber: `SN-${goodId.slice(0, 8)}`,
          isoClass: '12 22',
          siteId: site.siteId,
          attributes: { seatWidthCm: 45, foldable: true, maxUserWeightKg: 120 },
          ...overrides,
          ...{ goodId },
        }),
      ],
    };
  }

  async aid(
    site: TestSite,
    overrides: Partial<z.input<typeof InventoryItemAvailableV1.schema>> = {},
  ): Promise<string> {
    const { goodId, events } = this.aidEvents(site, overrides);
    await this.publish(...events);
    return goodId;
  }

  /** A firm's lot offered on its site: the offer, then its quantity arriving on offer. */
  lotEvents(
    site: TestSite,
    overrides: Partial<z.input<typeof InventoryLotOfferedV1.schema>> = {},
  ): { goodId: string; events: EventEnvelope[] } {
    const goodId = randomUUID();
    const offer = {
      siteId: site.siteId,
      organisationId: site.organisationId,
      materialFamily: 'parquet en chêne massif',
      quantity: '84.5',
      unit: 'm2' as const,
      estimated: true,
      conditionGrade: 'B' as const,
      availableFrom: new Date(Date.now() - 86_400_000).toISOString(),
      mustBeGoneBy: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      ...overrides,
      ...{ goodId },
    };
    return {
      goodId,
      events: [
        this.envelope(InventoryLotOfferedV1, offer),
        this.moved(
          goodId,
          'lot',
          offer.quantity,
          null,
          { state: 'offered', locationId: site.locationId },
          offer.unit,
        ),
      ],
    };
  }

  async lot(
    site: TestSite,
    overrides: Partial<z.input<typeof InventoryLotOfferedV1.schema>> = {},
  ): Promise<string> {
    const { goodId, events } = this.lotEvents(site, overrides);
    await this.publish(...events);
    return goodId;
  }

  amendWindow(goodId: string, availableFrom: string, mustBeGoneBy: string): EventEnvelope {
    return this.envelope(InventoryLotWindowAmendedV1, {
      goodId,
      availableFrom,
      mustBeGoneBy,
      cappedHolds: [],
    });
  }
}

/** A week from now, as a Paris day. */
export const inAWeek = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() + 7 * 86_400_000),
  );

/** Someone leaving hospital next week who needs a manual wheelchair, as a social worker states it. */
export function aidNeedFor(name = 'Jeanne Dupont') {
  return {
    kind: 'medical-aid' as const,
    isoClass: '12 22',
    beneficiary: {
      name,
      contact: { phone: '+33 6 12 34 56 78', email: 'jeanne.dupont@example.org' },
      address: '4 rue des Capucins, 80000 Amiens',
    },
    constraints: { seatWidthCm: { min: 42, max: 46 }, userWeightKg: 80 },
    health: { notes: 'hémiplégie droite, sortie de rééducation', prescriptionRef: 'ORD-2026-114' },
    urgency: {
      level: 'urgent' as const,
      neededBy: inAWeek(),
      reason: 'hospital-discharge' as const,
    },
    location: { position: { latitude: 49.89412, longitude: 2.29581 }, locality: 'Amiens' },
    maxDistanceKm: 25,
  };
}

/** A construction firm wanting oak parquet for a site within 30 km of Amiens, within a month. */
export function materialNeed() {
  return {
    kind: 'material' as const,
    materialFamily: 'parquet chêne',
    quantity: '40',
    unit: 'm2' as const,
    minConditionGrade: 'B' as const,
    deadline: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    area: { position: { latitude: 49.8941, longitude: 2.2958 }, locality: 'Amiens', radiusKm: 30 },
  };
}
