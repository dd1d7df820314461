import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  CollectionPickupCompletedV1,
  InventoryIntakeRecordedV1,
  InventoryRpc,
  type Actor,
  type EventEnvelope,
  type RpcResponse,
} from '@boucle/contracts';
import { buildEnvelope, DeadLetters } from '@boucle/messaging';
import { eventually } from '@boucle/testing';
import { CompletedPickupsConsumer } from '../src/collections/collections.consumer.js';
import {
  firmUser,
  offerLot,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

type Report = RpcResponse<typeof InventoryRpc.tonnageReport>;
const grams = (tonnes: number) => Math.round(tonnes * 1e6);
const WHOLE = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

function expectIdentity(r: Report): void {
  expect(grams(r.inTonnes)).toBe(
    grams(r.stockEndTonnes) - grams(r.stockStartTonnes) + grams(r.outTonnes),
  );
}

describe(CompletedPickupsConsumer.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    h = await startInventory({}, ['collection']);
    fixture = await h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A driver's record of a collected stop, as collection publishes it. */
  function completed(serialNumber: string) {
    return buildEnvelope(
      CollectionPickupCompletedV1,
      {
        pickupId: crypto.randomUUID(),
        organisationId: fixture.organisationId,
        roundId: crypto.randomUUID(),
        collectedAt: new Date(Date.now() - 60_000).toISOString(),
        mode: 'pickup',
        provenance: { locality: 'Longueau', donorRef: 'donor-77' },
        deliverTo: { siteId: fixture.siteId, locationId: fixture.locationId },
        actual: { kg: 61.5, m3: 1.2, crates: 0, items: 2 },
        goods: [
          { kind: 'item', make: 'Invacare', model: 'Action 3', serialNumber, weightKg: 19 },
          { kind: 'bulk', material: 'cardboard', weightKg: 42.5 },
        ],
        lotGoodId: null,
        proof: { photoRefs: ['photo:1'], signatureRef: 'sig:1' },
      },
      { actor: { userId: 'driver-1', role: 'driver', organisationId: fixture.organisationId } },
    );
  }

  /** Published as collection's relay would; `copy` sends the same event again under another message id. */
  async function publish(event: EventEnvelope, copy = 0): Promise<void> {
    await jetstream(h.nc).publish(
      h.naming.subject(CollectionPickupCompletedV1),
      JSON.stringify(event),
      {
        msgID: `${event.id}-${copy}`,
      },
    );
  }

  it('should take in a completed pickup once, with its figures, however often it is delivered', async () => {
    const event = completed('PICKUP-1');

    await publish(event, 0);
    await publish(event, 1);

    const intakes = await eventually(async () => {
      const rows = await h.orm.em.fork().execute<
        {
          id: string;
          gross_weight_kg: string;
          tare_kg: string;
          collection_mode: string;
          provenance: object;
        }[]
      >(`SELECT id, gross_weight_kg, tare_kg, collection_mode, provenance FROM intake WHERE site_id = ?`, [fixture.siteId]);
      expect(rows).toHaveLength(1);
      return rows;
    });
    // Both copies were settled: the second found the first in the inbox and did nothing.
    await eventually(async () => {
      const jsm = await jetstreamManager(h.nc);
      const info = await jsm.consumers.info(
        h.naming.stream('collection'),
        h.naming.durable('inventory.pickup-completed'),
      );
      expect({ pending: info.num_pending, unacked: info.num_ack_pending }).toEqual({
        pending: 0,
        unacked: 0,
      });
    });
    const rows = await h.orm.em
      .fork()
      .execute(`SELECT id FROM intake WHERE site_id = ?`, [fixture.siteId]);
    expect(rows).toHaveLength(1);
    expect(intakes[0]).toMatchObject({
      gross_weight_kg: '61.500',
      tare_kg: '0.000',
      collection_mode: 'pickup',
      provenance: {
        locality: 'Longueau',
        donorRef: 'donor-77',
        organisationId: fixture.organisationId,
      },
    });
    const { goods } = await h.rpc.request(InventoryRpc.listGoods, {
      actor: fixture.operator,
      siteId: fixture.siteId,
    });
    expect(goods.map((g) => g.kind).sort()).toEqual(['bulk', 'item']);
    const stream = await jetstream(h.nc).streams.get(h.naming.stream('inventory'));
    const recorded = (await stream.getMessage({
      last_by_subj: h.naming.subject(InventoryIntakeRecordedV1),
    }))!.json<EventEnvelope>();
    expect(recorded).toMatchObject({
      causationId: event.id,
      correlationId: event.correlationId,
      data: { intakeId: intakes[0]!.id, collectionMode: 'pickup', grossWeightKg: 61.5, tareKg: 0 },
    });
  });

  describe("a construction site's lot", () => {
    /** The firm's construction site, and the reuse village its lots are collected for. */
    let site: Fixture;
    let firm: Actor;
    let taker: Fixture;

    beforeEach(async () => {
      site = await h.member('construction-site');
      firm = firmUser(site);
      taker = await h.member();
    });

    /** The crew's record of a lot collected on the firm's site and taken to the village. */
    function lotCollected(lotGoodId: string, quantity: string, kg: number) {
      return buildEnvelope(
        CollectionPickupCompletedV1,
        {
          pickupId: crypto.randomUUID(),
          organisationId: taker.organisationId,
          roundId: crypto.randomUUID(),
          collectedAt: new Date(Date.now() - 60_000).toISOString(),
          mode: 'construction-site',
          provenance: { locality: 'Amiens', donorRef: null },
          deliverTo: { siteId: taker.siteId, locationId: taker.locationId },
          actual: { kg, m3: 2.5, crates: 0, items: 0 },
          goods: [
            {
              kind: 'lot',
              materialFamily: 'oak parquet',
              quantity,
              unit: 'm2',
              conditionGrade: 'B',
              wasteCode: '17 02 01',
            },
          ],
          lotGoodId,
          proof: { photoRefs: ['photo:lot'], signatureRef: 'sig:lot' },
        },
        { actor: { userId: 'driver-2', role: 'driver', organisationId: taker.organisationId } },
      );
    }

    const hold = (goodId: string, quantity: string, holderId: string) =>
      h.rpc.request(InventoryRpc.placeHold, {
        actor: firm,
        goodId,
        quantity,
        holderId,
        ttlSeconds: 3_600,
      });

    const lotOf = (goodId: string, actor: Actor = firm) =>
      h.rpc.request(InventoryRpc.getGood, { actor, goodId });

    const places = async (goodId: string, actor: Actor = firm) =>
      (await lotOf(goodId, actor)).balances.map((b) => [b.state, b.locationId, b.quantity]);

    /** The village's lots: what it received. */
    const takerLots = async () =>
      (await h.rpc.request(InventoryRpc.listGoods, { actor: taker.operator, kind: 'lot' })).goods;

    const report = (actor: Actor) => h.rpc.request(InventoryRpc.tonnageReport, { actor, ...WHOLE });

    async function deadLetterOf(event: EventEnvelope): Promise<string> {
      const deadLetters = new DeadLetters({
        js: jetstream(h.nc),
        jsm: await jetstreamManager(h.nc),
        naming: h.naming,
      });
      return eventually(async () => {
        const entries = await deadLetters.list({ consumer: 'inventory.pickup-completed' });
        const entry = entries.find((e) => e.eventId === event.id);
        expect(entry).toBeDefined();
        return entry!.reason;
      });
    }

    it('should pass a wholly held lot to the village that collected it, end the hold, and count its mass in once', async () => {
      const clusterBefore = await report(h.coordinator);
      const { goodId } = await offerLot(h, site, { quantity: '10', weightKg: 500 });
      const { holdId } = await hold(goodId, '10', 'taker-village');

      await publish(lotCollected(goodId, '10', 500));

      // The firm's lot left its site handed over to its taker, the firm's to read.
      await eventually(async () =>
        expect(await places(goodId)).toEqual([['handed-over', site.locationId, '10']]),
      );
      expect((await lotOf(goodId)).activeHolds).toEqual([]);
      const [ended] = await h.orm.em
        .fork()
        .execute<{ status: string; end_reason: string; handed_to: string }[]>(
          'SELECT status, end_reason, handed_to FROM hold WHERE id = ?',
          [holdId],
        );
      expect(ended).toEqual({
        status: 'handed-over',
        end_reason: 'collected',
        handed_to: 'taker-village',
      });
      // Where it went, for the récolement: the hold's handover, to whom it was held for.
      const { movements } = await h.rpc.request(InventoryRpc.passport, { actor: firm, goodId });
      expect(movements.map((m) => [m.from?.state ?? null, m.to?.state ?? null, m.holdId])).toEqual([
        [null, 'offered', null],
        ['offered', 'held', holdId],
        ['held', 'handed-over', holdId],
      ]);
      expect(movements[1]!.reason).toBe('held for taker-village');
      // It came in at the village as its lot, never as an intake.
      const received = await takerLots();
      expect(received.map((g) => [g.state, g.stock])).toEqual([
        ['collected', [{ state: 'collected', quantity: '10' }]],
      ]);
      const part = await lotOf(received[0]!.id, taker.operator);
      expect(part).toMatchObject({
        organisationId: taker.organisationId,
        siteId: taker.siteId,
        unit: 'm2',
        balances: [{ state: 'collected', locationId: taker.locationId, quantity: '10' }],
        description: { materialFamily: 'oak parquet', fromLotId: goodId, fromSiteId: site.siteId },
      });
      expect(
        await h.orm.em.fork().execute('SELECT id FROM intake WHERE site_id = ?', [taker.siteId]),
      ).toEqual([]);
      // One transfer between the two members: out of the firm, into the village.
      const firmReport = await report(firm);
      const takerReport = await report(taker.operator);
      expect(firmReport.in).toEqual([
        { collectionMode: 'construction-site', kind: 'lot', tonnes: 0.5 },
      ]);
      expect(firmReport.out).toEqual([{ destination: 'transfer', kind: 'lot', tonnes: 0.5 }]);
      expect(takerReport.in).toEqual([{ collectionMode: 'transfer', kind: 'lot', tonnes: 0.5 }]);
      expect(takerReport.stockEndTonnes).toBe(0.5);
      expectIdentity(firmReport);
      expectIdentity(takerReport);
      // The cluster counted the lot in once, when offered; the transfer is neither in nor out.
      const cluster = await report(h.coordinator);
      expectIdentity(cluster);
      expect(grams(cluster.inTonnes) - grams(clusterBefore.inTonnes)).toBe(grams(0.5));
      expect(grams(cluster.outTonnes) - grams(clusterBefore.outTonnes)).toBe(0);
      expect(cluster.in.some((r) => r.collectionMode === 'transfer')).toBe(false);
      expect(cluster.out.some((r) => r.destination === 'transfer')).toBe(false);
    });

    it("should collect a partly held lot's hold of that quantity, leave the rest offered and another taker's hold alone", async () => {
      const { goodId } = await offerLot(h, site, { quantity: '84.5', weightKg: 845 });
      const other = await hold(goodId, '20', 'taker-other');
      const { holdId } = await hold(goodId, '30', 'taker-village');

      // The crew weighed 10 kg less than the firm's estimate for it.
      await publish(lotCollected(goodId, '30', 290));

      await eventually(async () =>
        expect(await places(goodId)).toEqual([
          ['handed-over', site.locationId, '30'],
          ['held', site.locationId, '20'],
          ['offered', site.locationId, '34.5'],
        ]),
      );
      expect((await lotOf(goodId)).activeHolds.map((a) => a.holdId)).toEqual([other.holdId]);
      const { movements } = await h.rpc.request(InventoryRpc.passport, { actor: firm, goodId });
      expect(movements.find((m) => m.to?.state === 'handed-over')?.holdId).toBe(holdId);
      const received = await takerLots();
      expect(received.map((g) => g.stock)).toEqual([[{ state: 'collected', quantity: '30' }]]);
      // Its share of the estimate moved with it; the crew's weighing settled it at the village.
      const takerReport = await report(taker.operator);
      expect(takerReport.in).toEqual([{ collectionMode: 'transfer', kind: 'lot', tonnes: 0.3 }]);
      expect(takerReport.out).toEqual([{ destination: 'correction', kind: 'lot', tonnes: 0.01 }]);
      expect(takerReport.stockEndTonnes).toBe(0.29);
      expectIdentity(takerReport);
      const firmReport = await report(firm);
      expect(firmReport.out).toEqual([{ destination: 'transfer', kind: 'lot', tonnes: 0.3 }]);
      expect(firmReport.stockEndTonnes).toBe(0.545);
      expectIdentity(firmReport);
    });

    it('should end a hold the crew collected only part of, the rest back on offer', async () => {
      const { goodId } = await offerLot(h, site, { quantity: '40', weightKg: 400 });
      const { holdId } = await hold(goodId, '30', 'taker-village');

      await publish(lotCollected(goodId, '25', 250));

      await eventually(async () =>
        expect(await places(goodId)).toEqual([
          ['handed-over', site.locationId, '25'],
          ['offered', site.locationId, '15'],
        ]),
      );
      expect((await lotOf(goodId)).activeHolds).toEqual([]);
      const { movements } = await h.rpc.request(InventoryRpc.passport, { actor: firm, goodId });
      expect(
        movements.filter((m) => m.holdId === holdId).map((m) => [m.to?.state, m.quantity]),
      ).toEqual([
        ['held', '30'],
        ['handed-over', '25'],
        ['offered', '5'],
      ]);
      expect((await takerLots()).map((g) => g.stock)).toEqual([
        [{ state: 'collected', quantity: '25' }],
      ]);
    });

    it('should hold for the village what it collected of an offer nobody held, and weigh it in once', async () => {
      const clusterBefore = await report(h.coordinator);
      // No weight declared: the crew's weighing is the first mass known.
      const { goodId } = await offerLot(h, site, { quantity: '20' });

      await publish(lotCollected(goodId, '5', 120));

      await eventually(async () =>
        expect(await places(goodId)).toEqual([
          ['handed-over', site.locationId, '5'],
          ['offered', site.locationId, '15'],
        ]),
      );
      const { movements } = await h.rpc.request(InventoryRpc.passport, { actor: firm, goodId });
      expect(movements.slice(1).map((m) => [m.from?.state, m.to?.state, m.reason])).toEqual([
        ['offered', 'held', `held for ${taker.organisationId}`],
        ['held', 'handed-over', expect.stringMatching(`^handed over to ${taker.organisationId}: `)],
      ]);
      expect((await takerLots()).map((g) => g.stock)).toEqual([
        [{ state: 'collected', quantity: '5' }],
      ]);
      const takerReport = await report(taker.operator);
      expect(takerReport.in).toEqual([{ collectionMode: 'correction', kind: 'lot', tonnes: 0.12 }]);
      expectIdentity(takerReport);
      const cluster = await report(h.coordinator);
      expectIdentity(cluster);
      expect(grams(cluster.inTonnes) - grams(clusterBefore.inTonnes)).toBe(grams(0.12));
    });

    it("should move the lot itself to the firm's own depot, with no transfer and no new good", async () => {
      const depot = await h.rpc.request(InventoryRpc.registerSite, {
        actor: firm,
        organisationId: site.organisationId,
        name: 'Dépôt',
        kind: 'workshop',
        locality: 'Amiens',
        locations: ['hangar'],
      });
      const { goodId } = await offerLot(h, site, { quantity: '20', weightKg: 400 });
      const event = lotCollected(goodId, '8', 160);
      const toDepot = {
        ...event,
        data: {
          ...event.data,
          deliverTo: { siteId: depot.siteId, locationId: depot.locations[0]!.id },
        },
      };

      await publish(toDepot);

      await eventually(async () =>
        expect(await places(goodId)).toEqual([
          ['collected', depot.locations[0]!.id, '8'],
          ['offered', site.locationId, '12'],
        ]),
      );
      const goods = await h.rpc.request(InventoryRpc.listGoods, { actor: firm, kind: 'lot' });
      expect(goods.goods.map((g) => g.id)).toEqual([goodId]);
      expect(
        await h.orm.em.fork().execute('SELECT id FROM transfer WHERE good_id = ?', [goodId]),
      ).toEqual([]);
      const firmReport = await report(firm);
      expect(firmReport.out).toEqual([]);
      expect(firmReport.stockEndTonnes).toBe(0.4);
    });

    it('should take in a pickup delivered twice once', async () => {
      const { goodId } = await offerLot(h, site, { quantity: '20', weightKg: 400 });
      const event = lotCollected(goodId, '5', 100);

      await publish(event, 0);
      await publish(event, 1);

      await eventually(async () => {
        const jsm = await jetstreamManager(h.nc);
        const info = await jsm.consumers.info(
          h.naming.stream('collection'),
          h.naming.durable('inventory.pickup-completed'),
        );
        expect({ pending: info.num_pending, unacked: info.num_ack_pending }).toEqual({
          pending: 0,
          unacked: 0,
        });
        expect(await places(goodId)).toEqual([
          ['handed-over', site.locationId, '5'],
          ['offered', site.locationId, '15'],
        ]);
      });
      expect((await takerLots()).map((g) => g.stock)).toEqual([
        [{ state: 'collected', quantity: '5' }],
      ]);
      const transfers = await h.orm.em
        .fork()
        .execute('SELECT id FROM transfer WHERE good_id = ?', [goodId]);
      expect(transfers).toHaveLength(1);
    });

    it('should refuse a pickup of a withdrawn lot with the reason, writing nothing', async () => {
      const { goodId } = await offerLot(h, site, { quantity: '10', weightKg: 500 });
      await hold(goodId, '10', 'taker-village');
      await h.rpc.request(InventoryRpc.withdrawLot, { actor: firm, goodId });
      const event = lotCollected(goodId, '10', 500);

      await publish(event);

      expect(await deadLetterOf(event)).toContain(
        `pickup ${event.data.pickupId} cannot collect lot ${goodId}: lot ${goodId} is withdrawn: nothing of it is offered or held`,
      );
      expect(await places(goodId)).toEqual([['withdrawn', site.locationId, '10']]);
      expect(await takerLots()).toEqual([]);
    });

    it('should refuse a pickup of more than is held and offered with the figures, writing nothing', async () => {
      const { goodId } = await offerLot(h, site, { quantity: '10', weightKg: 500 });
      await hold(goodId, '4', 'taker-village');
      const event = lotCollected(goodId, '12', 600);

      await publish(event);

      expect(await deadLetterOf(event)).toContain(
        `lot ${goodId}: 12 m2 collected, but only 4 held and 6 offered on its site`,
      );
      expect(await places(goodId)).toEqual([
        ['held', site.locationId, '4'],
        ['offered', site.locationId, '6'],
      ]);
      expect(await takerLots()).toEqual([]);
    });
  });
});
