import { InventoryRpc, type RpcRequestInput } from '@boucle/contracts';
import { TransformationsService } from '../src/transformations/transformations.service.js';
import {
  intakeWheelchairs,
  refusal,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

describe(TransformationsService.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    h = await startInventory();
    fixture = await h.member();
    await registerWheelchairModel(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  async function intake(
    goods: RpcRequestInput<typeof InventoryRpc.recordIntake>['goods'],
  ): Promise<string[]> {
    const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
      actor: fixture.operator,
      siteId: fixture.siteId,
      locationId: fixture.locationId,
      grossWeightKg: 1_000,
      tareKg: 20,
      provenance: { locality: 'Amiens' },
      collectionMode: 'shop',
      goods,
    });
    return goodIds;
  }

  const good = (goodId: string) =>
    h.rpc.request(InventoryRpc.getGood, { actor: fixture.operator, goodId });

  it('should shred cardboard into litter bales with a mass balance', async () => {
    const [cardboard] = await intake([{ kind: 'bulk', material: 'cardboard', weightKg: 412 }]);
    const result = await h.rpc.request(InventoryRpc.recordTransformation, {
      kind: 'cardboard-to-litter',
      actor: fixture.operator,
      locationId: fixture.otherLocationId,
      inputs: [{ goodId: cardboard!, quantity: '412', weightKg: 412 }],
      bales: Array.from({ length: 20 }, () => ({ weightKg: 20 })),
      lossKg: 12,
    });
    expect(result).toMatchObject({ inputKg: 412, outputKg: 400 });
    expect((await good(cardboard!)).balances).toEqual([
      expect.objectContaining({ state: 'transformed', quantity: '412' }),
    ]);
    expect((await good(result.outputGoodIds[0]!)).balances).toEqual([
      { state: 'available', locationId: fixture.otherLocationId, quantity: '400' },
    ]);
  });

  it('should refuse a transformation whose weights do not balance, and change nothing', async () => {
    const [cardboard] = await intake([{ kind: 'bulk', material: 'cardboard', weightKg: 100 }]);
    const error = await refusal(
      h.rpc.request(InventoryRpc.recordTransformation, {
        kind: 'cardboard-to-litter',
        actor: fixture.operator,
        locationId: fixture.locationId,
        inputs: [{ goodId: cardboard!, quantity: '100', weightKg: 100 }],
        bales: [{ weightKg: 150 }],
        lossKg: 0,
      }),
    );
    expect(error.body.issues?.[0]?.path).toBe('lossKg');
    expect((await good(cardboard!)).state).toBe('collected');
  });

  it('should dismantle a parts donor into parts that keep a link to it', async () => {
    const [donor] = await intakeWheelchairs(h, fixture, ['DONOR-1']);
    await h.rpc.request(InventoryRpc.triage, {
      actor: fixture.refurbisher,
      goodId: donor!,
      decision: 'parts-donor',
    });

    const result = await h.rpc.request(InventoryRpc.recordTransformation, {
      kind: 'dismantle',
      actor: fixture.refurbisher,
      donorId: donor!,
      donorWeightKg: 20,
      parts: [
        { name: 'rear wheel', weightKg: 3 },
        { name: 'rear wheel', weightKg: 3 },
        { name: 'cushion', weightKg: 1 },
      ],
      lossKg: 13,
    });

    expect((await good(donor!)).state).toBe('scrapped');
    for (const part of result.outputGoodIds) expect((await good(part)).donorId).toBe(donor);
    const passport = await h.rpc.request(InventoryRpc.passport, {
      actor: fixture.operator,
      goodId: result.outputGoodIds[0]!,
    });
    expect(passport).toMatchObject({ serialNumber: 'DONOR-1/P1', donorId: donor });
  });

  it('should split a washing batch into washed and broken containers that add up', async () => {
    const [pool] = await intake([
      { kind: 'pool', containerType: 'bottle 75 cl', count: 120, depositCents: 20 },
    ]);
    await h.rpc.request(InventoryRpc.moveGood, {
      actor: fixture.operator,
      goodId: pool!,
      quantity: '120',
      fromState: 'collected',
      toState: 'washing',
      reason: 'sent-to-washing',
      note: 'batch 2026-11-23',
    });
    const wrong = await refusal(
      h.rpc.request(InventoryRpc.recordTransformation, {
        kind: 'washing',
        actor: fixture.operator,
        poolId: pool!,
        washed: 110,
        broken: 5,
      }),
    );
    expect(wrong.body.issues?.[0]?.path).toBe('washed');

    await h.rpc.request(InventoryRpc.recordTransformation, {
      kind: 'washing',
      actor: fixture.operator,
      poolId: pool!,
      washed: 115,
      broken: 5,
    });
    expect((await good(pool!)).balances.map((b) => [b.state, b.quantity])).toEqual([
      ['broken', '5'],
      ['washed', '115'],
    ]);
  });
});
