import { InventoryRpc } from '@boucle/contracts';
import { RefurbishmentService } from '../src/refurbishment/refurbishment.service.js';
import {
  intakeWheelchairs,
  refurbish,
  refusal,
  registerWheelchairModel,
  startInventory,
  WHEELCHAIR_CHECKLIST,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

describe(RefurbishmentService.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;
  let serial = 0;

  beforeAll(async () => {
    h = await startInventory();
    fixture = await h.member();
    await registerWheelchairModel(h, fixture);
  });

  afterAll(async () => {
    await h?.close();
  });

  async function receivedAid(): Promise<string> {
    const [goodId] = await intakeWheelchairs(h, fixture, [`GATE-${serial++}`]);
    return goodId!;
  }

  const state = async (goodId: string) =>
    (
      await h.rpc.request(InventoryRpc.getGood, {
        actor: fixture.operator,
        goodId,
      })
    ).state;

  it('should make an aid available once every gate is recorded', async () => {
    const goodId = await receivedAid();
    await refurbish(h, fixture, goodId);
    expect(await state(goodId)).toBe('available');
  });

  describe.each([
    ['triage', /triage/],
    ['checklist', /checklist/],
    ['quality-check', /quality-check/],
    ['disinfection', /disinfection/],
    ['certification', /certification/],
  ])('without the %s gate', (gate, named) => {
    it('should never let the aid become available, and say which gate is missing', async () => {
      const goodId = await receivedAid();
      await refurbish(h, fixture, goodId, gate).catch(() => undefined);

      const error = await refusal(
        h.rpc.request(InventoryRpc.releaseForUse, { actor: fixture.refurbisher, goodId }),
      );
      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(named);
      expect(await state(goodId)).not.toBe('available');
      const holds = await refusal(
        h.rpc.request(InventoryRpc.placeHold, {
          actor: h.coordinator,
          goodId,
          quantity: '1',
          holderId: 'ben-1',
          ttlSeconds: 60,
        }),
      );
      expect(holds.code).toBe('insufficient-quantity');
    });
  });

  it('should refuse an incomplete checklist, naming the steps not done', async () => {
    const goodId = await receivedAid();
    await h.rpc.request(InventoryRpc.triage, {
      actor: fixture.refurbisher,
      goodId,
      decision: 'repairable',
    });
    await h.rpc.request(InventoryRpc.startRefurbishment, { actor: fixture.refurbisher, goodId });
    const error = await refusal(
      h.rpc.request(InventoryRpc.recordChecklist, {
        actor: fixture.refurbisher,
        goodId,
        steps: WHEELCHAIR_CHECKLIST.map((step) => ({ step, done: step !== 'brakes' })),
      }),
    );
    expect(error.code).toBe('validation');
    expect(error.body.issues).toEqual([
      { path: 'steps', message: 'checklist incomplete, not done: brakes' },
    ]);
  });

  it("should refuse a new-use duration beyond the manufacturer's lifetime", async () => {
    const goodId = await receivedAid();
    await refurbish(h, fixture, goodId, 'certification').catch(() => undefined);
    const error = await refusal(
      h.rpc.request(InventoryRpc.certify, {
        actor: fixture.refurbisher,
        goodId,
        certificateId: fixture.certificateId,
        newUseMonths: 97,
        instructionsRef: 'doc://manual',
      }),
    );
    expect(error.body.issues?.[0]?.path).toBe('newUseMonths');
  });

  it('should refuse certification under a centre certificate that is not valid that day', async () => {
    const goodId = await receivedAid();
    await refurbish(h, fixture, goodId, 'certification').catch(() => undefined);
    const { certificateId } = await h.rpc.request(InventoryRpc.recordCertificate, {
      actor: fixture.refurbisher,
      siteId: fixture.siteId,
      reference: 'NF S97-414 n° 2019-003 (expired)',
      validFrom: '2019-01-01',
      validUntil: '2023-01-01',
    });
    const error = await refusal(
      h.rpc.request(InventoryRpc.certify, {
        actor: fixture.refurbisher,
        goodId,
        certificateId,
        newUseMonths: 24,
        instructionsRef: 'doc://manual',
      }),
    );
    expect(error.body.issues?.[0]).toEqual({
      path: 'certificateId',
      message: expect.stringMatching(/not valid today/),
    });
  });

  it('should refuse a certification by someone who is not a refurbisher', async () => {
    const goodId = await receivedAid();
    await refurbish(h, fixture, goodId, 'certification').catch(() => undefined);
    const error = await refusal(
      h.rpc.request(InventoryRpc.certify, {
        actor: fixture.operator,
        goodId,
        certificateId: fixture.certificateId,
        newUseMonths: 24,
        instructionsRef: 'doc://manual',
      }),
    );
    expect(error.code).toBe('forbidden');
  });

  it('should send a returned aid through every gate again', async () => {
    const goodId = await receivedAid();
    await refurbish(h, fixture, goodId);
    const { holdId } = await h.rpc.request(InventoryRpc.placeHold, {
      actor: h.coordinator,
      goodId,
      quantity: '1',
      holderId: 'ben-5',
      ttlSeconds: 600,
    });
    await h.rpc.request(InventoryRpc.handOverHold, {
      actor: fixture.operator,
      holdId,
      beneficiaryRef: 'ben-5',
    });

    const back = await h.rpc.request(InventoryRpc.returnItem, {
      actor: fixture.operator,
      goodId,
      locationId: fixture.otherLocationId,
    });

    expect(back).toMatchObject({ state: 'received', cycle: 1 });
    const error = await refusal(
      h.rpc.request(InventoryRpc.releaseForUse, { actor: fixture.refurbisher, goodId }),
    );
    expect(error.message).toMatch(/triage, checklist, quality-check, disinfection, certification/);
    await refurbish(h, fixture, goodId);
    expect(await state(goodId)).toBe('available');
  });

  it('should refuse a plain move that would skip the gates', async () => {
    const goodId = await receivedAid();
    const error = await refusal(
      h.rpc.request(InventoryRpc.moveGood, {
        actor: fixture.operator,
        goodId,
        quantity: '1',
        fromState: 'received',
        toState: 'available',
        reason: 'shortcut',
      }),
    );
    expect(error.body).toMatchObject({ code: 'invalid-transition', currentState: 'received' });
  });
});
