import { InventoryRpc, type RpcRequestInput, type RpcResponse } from '@boucle/contracts';
import { ReportsService } from '../src/reports/reports.service.js';
import {
  availableWheelchair,
  firmUser,
  intakeWheelchairs,
  offerLot,
  refusal,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

type Report = RpcResponse<typeof InventoryRpc.tonnageReport>;

/** The accounting identity, to the gram: tonnes in = stock at the end - stock at the start + tonnes out. */
function expectIdentity(report: Report): void {
  const grams = (tonnes: number) => Math.round(tonnes * 1e6);
  expect(grams(report.inTonnes)).toBe(
    grams(report.stockEndTonnes) - grams(report.stockStartTonnes) + grams(report.outTonnes),
  );
}

describe(ReportsService.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    h = await startInventory();
    fixture = await h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('should report tonnes in by collection mode and tonnes out by destination, reuse apart from recycling', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
      actor: fixture.operator,
      siteId: fixture.siteId,
      locationId: fixture.locationId,
      grossWeightKg: 1_550,
      tareKg: 50,
      provenance: { locality: 'Amiens' },
      collectionMode: 'shop',
      goods: [
        { kind: 'bulk', material: 'cardboard', weightKg: 1_000 },
        {
          kind: 'pool',
          containerType: 'bottle 75 cl',
          count: 1_000,
          depositCents: 20,
          weightKg: 500,
        },
      ],
    });
    const [cardboard, bottles] = goodIds;
    const { outputGoodIds } = await h.rpc.request(InventoryRpc.recordTransformation, {
      kind: 'cardboard-to-litter',
      actor: fixture.operator,
      locationId: fixture.locationId,
      inputs: [{ goodId: cardboard!, quantity: '1000', weightKg: 1_000 }],
      bales: [{ weightKg: 980 }],
      lossKg: 20,
    });
    const moveBottles = async (fromState: string, toState: string) =>
      h.rpc.request(InventoryRpc.moveGood, {
        actor: fixture.operator,
        goodId: bottles!,
        quantity: '400',
        fromState,
        toState,
        reason: 'delivered-to-producer',
      });
    await moveBottles('collected', 'washing');
    await h.rpc.request(InventoryRpc.recordTransformation, {
      kind: 'washing',
      actor: fixture.operator,
      poolId: bottles!,
      washed: 400,
      broken: 0,
    });
    await moveBottles('washed', 'available');
    await moveBottles('available', 'delivered');
    await h.rpc.request(InventoryRpc.moveGood, {
      actor: fixture.operator,
      goodId: outputGoodIds[0]!,
      quantity: '980',
      fromState: 'available',
      toState: 'delivered',
      reason: 'delivered',
    });

    const report = await h.rpc.request(InventoryRpc.tonnageReport, {
      actor: fixture.operator,
      from,
      to: new Date(Date.now() + 60_000).toISOString(),
    });

    expect(report.in).toEqual([
      { collectionMode: 'shop', kind: 'bulk', tonnes: 1 },
      { collectionMode: 'shop', kind: 'pool', tonnes: 0.5 },
    ]);
    // The cardboard became litter bales, recycling where they went; shredding lost 20 kg.
    expect(report.out).toEqual([
      { destination: 'loss', kind: 'bulk', tonnes: 0.02 },
      { destination: 'recycling', kind: 'bulk', tonnes: 0.98 },
      { destination: 'reuse', kind: 'pool', tonnes: 0.2 },
    ]);
  });

  /** The member's report for the last hour and the next minute. */
  const reportOf = (member: Fixture, actor = member.operator) =>
    h.rpc.request(InventoryRpc.tonnageReport, {
      actor,
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });

  const intakeOf = (
    member: Fixture,
    grossWeightKg: number,
    goods: RpcRequestInput<typeof InventoryRpc.recordIntake>['goods'],
  ) =>
    h.rpc.request(InventoryRpc.recordIntake, {
      actor: member.operator,
      siteId: member.siteId,
      locationId: member.locationId,
      grossWeightKg,
      tareKg: 0,
      provenance: { locality: 'Amiens' },
      collectionMode: 'drop-off',
      goods,
    });

  describe('weighed mass', () => {
    it("should count an intake's weighed net, not its goods' declared weights, the rest as unsorted", async () => {
      const member = await h.member();
      await intakeOf(member, 400, [
        { kind: 'item', serialNumber: 'W-1', make: 'Invacare', model: 'Action 3', weightKg: 1 },
      ]);

      const report = await reportOf(member);

      expect(report.in).toEqual([
        { collectionMode: 'drop-off', kind: 'item', tonnes: 0.001 },
        { collectionMode: 'drop-off', kind: 'unsorted', tonnes: 0.399 },
      ]);
      expect(report.inTonnes).toBe(0.4);
      expectIdentity(report);
    });

    it('should share the net among goods that declare no weight, and count that share when they go out', async () => {
      const member = await h.member();
      const { goodIds } = await intakeOf(member, 41, [
        { kind: 'item', serialNumber: 'N-1', make: 'Invacare', model: 'Action 3' },
        { kind: 'item', serialNumber: 'N-2', make: 'Invacare', model: 'Action 3' },
      ]);
      await h.rpc.request(InventoryRpc.triage, {
        actor: member.refurbisher,
        goodId: goodIds[0]!,
        decision: 'scrap',
      });

      const report = await reportOf(member);

      expect(report.in).toEqual([{ collectionMode: 'drop-off', kind: 'item', tonnes: 0.041 }]);
      expect(report.out).toEqual([{ destination: 'disposal', kind: 'item', tonnes: 0.021 }]);
      expect(report.stockEndTonnes).toBe(0.0205);
      expectIdentity(report);
    });

    it('should scale declared weights to the net when they add up to it within the tolerance', async () => {
      const member = await h.member();
      await intakeOf(member, 100, [
        { kind: 'bulk', material: 'cardboard', weightKg: 60 },
        { kind: 'pool', containerType: 'jar 50 cl', count: 100, depositCents: 10, weightKg: 40.5 },
      ]);

      const report = await reportOf(member);

      expect(report.inTonnes).toBe(0.1);
      expect(report.in.map((r) => r.kind)).toEqual(['bulk', 'pool']);
    });

    it("should refuse declared weights above the net by more than the scale's tolerance, naming goods", async () => {
      const member = await h.member();

      const error = await refusal(
        intakeOf(member, 400, [
          { kind: 'bulk', material: 'cardboard', weightKg: 300 },
          { kind: 'bulk', material: 'cardboard', weightKg: 105 },
        ]),
      );

      expect(error.code).toBe('validation');
      expect(error.body.issues?.[0]?.path).toBe('goods');
      expect((await reportOf(member)).in).toEqual([]);
    });
  });

  describe('accounting identity', () => {
    it('should count a lot offered from a construction site in when offered, and out where it went', async () => {
      const site = await h.member('construction-site');
      const { goodId } = await offerLot(h, site, { quantity: '10', weightKg: 500 });
      const { holdId } = await h.rpc.request(InventoryRpc.placeHold, {
        actor: firmUser(site),
        goodId,
        quantity: '4',
        holderId: 'firm-taker-1',
        ttlSeconds: 600,
      });
      await h.rpc.request(InventoryRpc.handOverHold, {
        actor: firmUser(site),
        holdId,
        beneficiaryRef: 'firm-taker-1',
      });
      await h.rpc.request(InventoryRpc.divertLot, {
        actor: firmUser(site),
        goodId,
        destination: { route: 'energy-recovery', facility: 'chaufferie Amiens Nord' },
      });

      const report = await reportOf(site, firmUser(site));

      expect(report.in).toEqual([
        { collectionMode: 'construction-site', kind: 'lot', tonnes: 0.5 },
      ]);
      expect(report.out).toEqual([
        { destination: 'energy-recovery', kind: 'lot', tonnes: 0.3 },
        { destination: 'reuse', kind: 'lot', tonnes: 0.2 },
      ]);
      expect(report.stockEndTonnes).toBe(0);
      expectIdentity(report);
    });

    it("should count a dismantled donor's parts where they end and the rest as loss, not the donor as disposal", async () => {
      const member = await h.member();
      const [donor] = await intakeWheelchairs(h, member, ['DONOR-R1']);
      await h.rpc.request(InventoryRpc.triage, {
        actor: member.refurbisher,
        goodId: donor!,
        decision: 'parts-donor',
      });
      const { outputGoodIds } = await h.rpc.request(InventoryRpc.recordTransformation, {
        kind: 'dismantle',
        actor: member.refurbisher,
        donorId: donor!,
        donorWeightKg: 20,
        parts: [
          { name: 'rear wheel', weightKg: 3 },
          { name: 'cushion', weightKg: 1 },
        ],
        lossKg: 16,
      });
      await h.rpc.request(InventoryRpc.triage, {
        actor: member.refurbisher,
        goodId: outputGoodIds[1]!,
        decision: 'scrap',
      });

      const report = await reportOf(member);

      expect(report.out).toEqual([
        { destination: 'disposal', kind: 'item', tonnes: 0.001 },
        { destination: 'loss', kind: 'item', tonnes: 0.016 },
      ]);
      // The wheel is still on the shelf.
      expect(report.stockEndTonnes).toBe(0.003);
      expectIdentity(report);
    });

    it('should count an aid handed over as reuse and back in when its beneficiary returns it', async () => {
      const member = await h.member();
      await registerWheelchairModel(h);
      const goodId = await availableWheelchair(h, member, 'RET-1');
      const { holdId } = await h.rpc.request(InventoryRpc.placeHold, {
        actor: member.operator,
        goodId,
        quantity: '1',
        holderId: 'ben-ref-1',
        ttlSeconds: 600,
      });
      await h.rpc.request(InventoryRpc.handOverHold, {
        actor: member.operator,
        holdId,
        beneficiaryRef: 'ben-ref-1',
      });
      const handedOver = await reportOf(member);
      await h.rpc.request(InventoryRpc.returnItem, {
        actor: member.operator,
        goodId,
        locationId: member.locationId,
      });

      const report = await reportOf(member);

      expect(handedOver.out).toEqual([{ destination: 'reuse', kind: 'item', tonnes: 0.02 }]);
      expect(handedOver.stockEndTonnes).toBe(0);
      expect(report.in).toEqual([
        { collectionMode: 'drop-off', kind: 'item', tonnes: 0.02 },
        { collectionMode: 'return', kind: 'item', tonnes: 0.02 },
      ]);
      expect(report.stockEndTonnes).toBe(0.02);
      expectIdentity(handedOver);
      expectIdentity(report);
    });

    it('should hold the identity over a period that starts after some stock came in', async () => {
      const member = await h.member();
      await intakeOf(member, 30, [{ kind: 'bulk', material: 'cardboard', weightKg: 30 }]);
      const from = new Date().toISOString();
      const { goodIds } = await intakeOf(member, 12, [
        { kind: 'pool', containerType: 'bottle 75 cl', count: 12, depositCents: 20 },
      ]);
      await h.rpc.request(InventoryRpc.moveGood, {
        actor: member.operator,
        goodId: goodIds[0]!,
        quantity: '6',
        fromState: 'collected',
        toState: 'washing',
        reason: 'sent-to-washing',
      });
      await h.rpc.request(InventoryRpc.recordTransformation, {
        kind: 'washing',
        actor: member.operator,
        poolId: goodIds[0]!,
        washed: 5,
        broken: 1,
      });

      const report = await h.rpc.request(InventoryRpc.tonnageReport, {
        actor: member.operator,
        from,
        to: new Date(Date.now() + 60_000).toISOString(),
      });

      expect(report.stockStartTonnes).toBe(0.03);
      expect(report.in).toEqual([{ collectionMode: 'drop-off', kind: 'pool', tonnes: 0.012 }]);
      expect(report.out).toEqual([{ destination: 'disposal', kind: 'pool', tonnes: 0.001 }]);
      expect(report.stockEndTonnes).toBe(0.041);
      expectIdentity(report);
    });
  });

  it("should give a construction firm its own sites' report, for its demolition waste record", async () => {
    const site = await h.member('construction-site');
    const { goodId } = await offerLot(h, site, { quantity: '12', weightKg: 600 });
    await h.rpc.request(InventoryRpc.divertLot, {
      actor: firmUser(site),
      goodId,
      destination: { route: 'recycling', facility: 'plateforme bois Amiens Est' },
    });

    const report = await h.rpc.request(InventoryRpc.tonnageReport, {
      actor: firmUser(site),
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });

    expect(report.scope).toBe(site.organisationId);
    expect(report.out).toEqual([{ destination: 'recycling', kind: 'lot', tonnes: 0.6 }]);
  });

  it('should refuse the report to an operator who belongs to no organisation', async () => {
    const error = await refusal(
      h.rpc.request(InventoryRpc.tonnageReport, {
        actor: { userId: 'op-x', role: 'operator', organisationId: null },
        from: '2026-01-01T00:00:00Z',
        to: '2026-12-31T00:00:00Z',
      }),
    );
    expect(error.code).toBe('forbidden');
  });

  it('should refuse the report to a beneficiary', async () => {
    const error = await refusal(
      h.rpc.request(InventoryRpc.tonnageReport, {
        actor: { userId: 'ben-1', role: 'beneficiary', organisationId: null },
        from: '2026-01-01T00:00:00Z',
        to: '2026-12-31T00:00:00Z',
      }),
    );
    expect(error.code).toBe('forbidden');
  });
});
