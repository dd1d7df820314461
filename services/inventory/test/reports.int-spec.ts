import { InventoryRpc } from '@boucle/contracts';
import { ReportsService } from '../src/reports/reports.service.js';
import {
  firmUser,
  offerLot,
  refusal,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

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
      grossWeightKg: 1_600,
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
    await h.rpc.request(InventoryRpc.recordTransformation, {
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
        reason: 'to the brewery',
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

    const report = await h.rpc.request(InventoryRpc.tonnageReport, {
      actor: fixture.operator,
      from,
      to: new Date(Date.now() + 60_000).toISOString(),
    });

    expect(report.in).toEqual([
      { collectionMode: 'shop', kind: 'bulk', tonnes: 1 },
      { collectionMode: 'shop', kind: 'pool', tonnes: 0.5 },
    ]);
    expect(report.out).toEqual([
      { destination: 'recycling', kind: 'bulk', tonnes: 1 },
      { destination: 'reuse', kind: 'pool', tonnes: 0.2 },
    ]);
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
