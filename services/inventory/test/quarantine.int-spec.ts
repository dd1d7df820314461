import { randomUUID } from 'node:crypto';
import { InventoryRpc, type Actor } from '@boucle/contracts';
import { localToday } from '../src/common/dates.js';
import { GoodsService } from '../src/goods/goods.service.js';
import { HoldsService } from '../src/holds/holds.service.js';
import { QuarantineService } from '../src/quarantine/quarantine.service.js';
import {
  availableWheelchair,
  intakeWheelchair,
  intakeWheelchairs,
  refurbish,
  refusal,
  registerWheelchairModel,
  startInventory,
  WHEELCHAIR_CHECKLIST,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

let h: InventoryHarness;
let fixture: Fixture;
let serial = 0;

beforeAll(async () => {
  h = await startInventory();
  fixture = await h.member();
  await registerWheelchairModel(h);
});

afterAll(async () => {
  await h?.close();
});

const nextSerial = (prefix: string) => `${prefix}-${serial++}`;

const good = (goodId: string, actor: Actor = fixture.operator) =>
  h.rpc.request(InventoryRpc.getGood, { actor, goodId });

const quarantine = (
  goodId: string,
  reason: 'defect' | 'recalled' = 'defect',
  actor: Actor = fixture.operator,
) =>
  h.rpc.request(InventoryRpc.quarantineItem, {
    actor,
    goodId,
    reason,
    note: 'left brake does not hold',
  });

const placeHold = (goodId: string, holderId = 'ben-1') =>
  h.rpc.request(InventoryRpc.placeHold, {
    actor: h.coordinator,
    goodId,
    quantity: '1',
    holderId,
    ttlSeconds: 600,
  });

const handOver = (holdId: string, beneficiaryRef = 'ben-1') =>
  h.rpc.request(InventoryRpc.handOverHold, { actor: fixture.operator, holdId, beneficiaryRef });

/** The events recorded in the outbox about one aggregate, oldest first. */
async function eventsAbout(aggregateId: string) {
  return h.orm.em
    .fork()
    .execute<{ type: string; data: Record<string, unknown> }[]>(
      `SELECT payload->>'type' AS type, payload->'data' AS data FROM messaging_outbox WHERE aggregate_id = ? ORDER BY id`,
      [aggregateId],
    );
}

/** Every gate after the new cycle's triage: checklist, quality check, disinfection, certification, release. */
async function passGatesAfterTriage(goodId: string): Promise<void> {
  const actor = fixture.refurbisher;
  await h.rpc.request(InventoryRpc.recordChecklist, {
    actor,
    goodId,
    steps: WHEELCHAIR_CHECKLIST.map((step) => ({ step, done: true })),
  });
  await h.rpc.request(InventoryRpc.recordQualityCheck, { actor, goodId, passed: true });
  await h.rpc.request(InventoryRpc.recordDisinfection, {
    actor,
    goodId,
    performedOn: localToday(),
    method: 'steam 134 °C',
    operatorId: actor.userId,
  });
  await h.rpc.request(InventoryRpc.certify, {
    actor,
    goodId,
    certificateId: fixture.certificateId,
    newUseMonths: 12,
    instructionsRef: 'doc://invacare/action3/manual-fr.pdf',
  });
  await h.rpc.request(InventoryRpc.releaseForUse, { actor, goodId });
}

describe(QuarantineService.name, () => {
  describe('quarantine', () => {
    it.each([
      ['received', (goodId: string) => Promise.resolve(goodId)],
      ['certified', (goodId: string) => refurbish(h, fixture, goodId, 'release')],
      ['available', (goodId: string) => refurbish(h, fixture, goodId)],
    ])('should take a %s aid out of circulation through the ledger', async (from, setup) => {
      const goodId = await intakeWheelchair(h, fixture, nextSerial('Q'));
      await setup(goodId);
      expect((await good(goodId)).state).toBe(from);

      const answer = await quarantine(goodId);

      expect(answer).toEqual({ goodId, state: 'quarantined', releasedHoldIds: [] });
      expect((await good(goodId)).balances).toEqual([
        expect.objectContaining({ state: 'quarantined', quantity: '1' }),
      ]);
      const { movements } = await h.rpc.request(InventoryRpc.passport, {
        actor: fixture.operator,
        goodId,
      });
      // The note stays in the quarantine record, never in the ledger.
      expect(movements.at(-1)).toMatchObject({
        from: { state: from },
        to: { state: 'quarantined' },
        reason: 'quarantined: defect',
      });
      expect((await eventsAbout(goodId)).map((e) => e.type)).toContain(
        'inventory.item.quarantined',
      );
    });

    it('should end the hold on a held aid with the reason recalled', async () => {
      const goodId = await availableWheelchair(h, fixture, nextSerial('QH'));
      const { holdId } = await placeHold(goodId);

      const answer = await quarantine(goodId, 'recalled');

      expect(answer).toEqual({ goodId, state: 'quarantined', releasedHoldIds: [holdId] });
      const after = await good(goodId);
      expect(after.activeHolds).toEqual([]);
      expect(after.balances).toEqual([expect.objectContaining({ state: 'quarantined' })]);
      const [hold] = await h.orm.em
        .fork()
        .execute<{ status: string; end_reason: string }[]>(
          'SELECT status, end_reason FROM hold WHERE id = ?',
          [holdId],
        );
      expect(hold).toEqual({ status: 'released', end_reason: 'recalled' });
      expect(await eventsAbout(holdId)).toContainEqual({
        type: 'inventory.hold.released',
        data: expect.objectContaining({ holdId, goodId, reason: 'recalled' }),
      });
      expect((await refusal(handOver(holdId))).code).toBe('invalid-transition');
    });

    it('should refuse to quarantine an aid when it was handed over', async () => {
      const goodId = await availableWheelchair(h, fixture, nextSerial('QHO'));
      await handOver((await placeHold(goodId, 'ben-2')).holdId, 'ben-2');

      const error = await refusal(quarantine(goodId));

      expect(error.body).toMatchObject({
        code: 'invalid-transition',
        currentState: 'handed-over',
        allowedStates: ['returned'],
      });
    });

    it("should answer another member's aid as not found when it quarantines it", async () => {
      const goodId = await intakeWheelchair(h, fixture, nextSerial('QX'));
      const other = await h.member();

      const error = await refusal(quarantine(goodId, 'defect', other.operator));

      expect(error.code).toBe('not-found');
      expect((await good(goodId)).state).toBe('received');
    });

    it('should let the coordinator quarantine any member’s aid', async () => {
      const goodId = await intakeWheelchair(h, fixture, nextSerial('QC'));
      expect((await quarantine(goodId, 'recalled', h.coordinator)).state).toBe('quarantined');
    });

    it('should keep a quarantined aid out of holds and plain moves', async () => {
      const goodId = await availableWheelchair(h, fixture, nextSerial('QM'));
      await quarantine(goodId);

      expect((await refusal(placeHold(goodId))).code).toBe('insufficient-quantity');
      const moved = await refusal(
        h.rpc.request(InventoryRpc.moveGood, {
          actor: fixture.operator,
          goodId,
          quantity: '1',
          fromState: 'quarantined',
          toState: 'scrapped',
          reason: 'scrapped',
        }),
      );
      expect(moved.body).toMatchObject({ code: 'invalid-transition', currentState: 'quarantined' });
    });
  });

  describe('refurbish', () => {
    it('should send an aid whose fit-for-use date passed back to refurbishing in a new cycle, every gate to pass again', async () => {
      const goodId = await availableWheelchair(h, fixture, nextSerial('QR'));
      await h.orm.em
        .fork()
        .execute(`UPDATE good SET fit_for_use_until = current_date - 1 WHERE id = ?`, [goodId]);
      await quarantine(goodId);

      const answer = await h.rpc.request(InventoryRpc.refurbishQuarantined, {
        actor: fixture.refurbisher,
        goodId,
      });

      expect(answer).toEqual({ goodId, state: 'refurbishing', cycle: 1 });
      const release = await refusal(
        h.rpc.request(InventoryRpc.releaseForUse, { actor: fixture.refurbisher, goodId }),
      );
      expect(release.message).toMatch(/checklist, quality-check, disinfection, certification/);
      await passGatesAfterTriage(goodId);
      expect((await good(goodId)).state).toBe('available');
      await placeHold(goodId);
    });

    it('should refuse to refurbish an aid this way when it is not quarantined', async () => {
      const goodId = await availableWheelchair(h, fixture, nextSerial('QRN'));

      const error = await refusal(
        h.rpc.request(InventoryRpc.refurbishQuarantined, { actor: fixture.refurbisher, goodId }),
      );

      expect(error.body).toMatchObject({ code: 'invalid-transition', currentState: 'available' });
    });
  });

  describe('scrap', () => {
    it('should scrap a quarantined aid and report its weight under its recorded route', async () => {
      const member = await h.member();
      const goodId = await intakeWheelchair(h, member, nextSerial('QS'));
      const from = new Date(Date.now() - 60_000).toISOString();
      await quarantine(goodId, 'defect', member.operator);

      const answer = await h.rpc.request(InventoryRpc.scrapQuarantined, {
        actor: member.operator,
        goodId,
        destination: { route: 'energy-recovery', facility: 'UVE Amiens' },
      });

      expect(answer).toEqual({ goodId, state: 'scrapped' });
      const report = await h.rpc.request(InventoryRpc.tonnageReport, {
        actor: member.operator,
        from,
        to: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(report.out).toEqual([
        expect.objectContaining({ destination: 'energy-recovery', kind: 'item', tonnes: 0.02 }),
      ]);
      expect(await eventsAbout(goodId)).toContainEqual({
        type: 'inventory.item.scrapped',
        data: expect.objectContaining({ route: 'energy-recovery', facility: 'UVE Amiens' }),
      });
    });

    it('should refuse to scrap an aid this way when it is not quarantined', async () => {
      const goodId = await intakeWheelchair(h, fixture, nextSerial('QSN'));

      const error = await refusal(
        h.rpc.request(InventoryRpc.scrapQuarantined, {
          actor: fixture.operator,
          goodId,
          destination: { route: 'recycling', facility: 'centre de tri' },
        }),
      );

      expect(error.body).toMatchObject({ code: 'invalid-transition', currentState: 'received' });
    });
  });
});

/** A model of its own, so that a recall in one test touches no other test's aids. */
async function recalledModelAids(serials: string[]): Promise<{ model: string; goodIds: string[] }> {
  const model = `Action ${randomUUID().slice(0, 8)}`;
  await registerWheelchairModel(h, { model });
  const goodIds = await intakeWheelchairs(h, fixture, serials, 'Invacare', model);
  for (const goodId of goodIds) await refurbish(h, fixture, goodId);
  return { model, goodIds };
}

const issueRecall = (
  model: string,
  range: { serialFrom?: string; serialTo?: string } = {},
  actor: Actor = h.coordinator,
) =>
  h.rpc.request(InventoryRpc.issueRecall, {
    actor,
    make: 'Invacare',
    model,
    reason: 'manufacturer notice 2026-14: brake cable may snap',
    ...range,
  });

describe(GoodsService.name, () => {
  describe('issueRecall', () => {
    it('should refuse holds on the recalled units, naming the recall, and show it on each until it is lifted', async () => {
      const { model, goodIds } = await recalledModelAids(['R-01', 'R-02', 'R-03']);
      const [inside, alsoInside, outside] = goodIds as [string, string, string];

      const { recallId } = await issueRecall(model, { serialFrom: 'R-01', serialTo: 'R-02' });

      const error = await refusal(placeHold(inside));
      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(new RegExp(`under recall ${recallId} \\(Invacare ${model}`));
      expect((await refusal(placeHold(alsoInside))).code).toBe('invalid-transition');
      expect((await good(inside)).activeRecall).toMatchObject({ recallId, serialTo: 'R-02' });
      expect((await good(outside)).activeRecall).toBeNull();
      await placeHold(outside);

      await h.rpc.request(InventoryRpc.liftRecall, { actor: h.coordinator, recallId });

      expect((await good(inside)).activeRecall).toBeNull();
      await placeHold(inside);
    });

    it("should cover only the member's own units when a member issues it", async () => {
      const { model, goodIds } = await recalledModelAids(['RM-01']);
      const other = await h.member();
      const [foreign] = await intakeWheelchairs(h, other, ['RM-02'], 'Invacare', model);

      await issueRecall(model, {}, other.operator);

      expect((await good(foreign!, other.operator)).activeRecall).not.toBeNull();
      expect((await good(goodIds[0]!)).activeRecall).toBeNull();
      await placeHold(goodIds[0]!);
    });
  });

  describe('liftRecall', () => {
    it("should answer another member's recall as not found when lifting it", async () => {
      const { model } = await recalledModelAids(['RL-01']);
      const { recallId } = await issueRecall(model, {}, fixture.operator);
      const other = await h.member();

      const foreign = await refusal(
        h.rpc.request(InventoryRpc.liftRecall, { actor: other.operator, recallId }),
      );
      const clusterWide = await issueRecall(model);
      const byMember = await refusal(
        h.rpc.request(InventoryRpc.liftRecall, {
          actor: fixture.operator,
          recallId: clusterWide.recallId,
        }),
      );

      expect(foreign.code).toBe('not-found');
      expect(byMember.code).toBe('not-found');
    });

    it('should refuse to lift a recall when it was already lifted', async () => {
      const { model } = await recalledModelAids(['RL-02']);
      const { recallId } = await issueRecall(model);
      await h.rpc.request(InventoryRpc.liftRecall, { actor: h.coordinator, recallId });

      const again = await refusal(
        h.rpc.request(InventoryRpc.liftRecall, { actor: h.coordinator, recallId }),
      );

      expect(again.code).toBe('invalid-transition');
    });
  });
});

describe(HoldsService.name, () => {
  describe('handOver', () => {
    it('should refuse the hand-over of a held unit while its model is recalled, until the recall is lifted', async () => {
      const { model, goodIds } = await recalledModelAids(['RH-01']);
      const { holdId } = await placeHold(goodIds[0]!);
      const { recallId } = await issueRecall(model);

      const error = await refusal(handOver(holdId));

      expect(error.body).toMatchObject({ code: 'invalid-transition', currentState: 'held' });
      expect(error.message).toMatch(`under recall ${recallId}`);
      expect(error.message).toMatch(/cannot be handed over until the recall is lifted/);
      await h.rpc.request(InventoryRpc.liftRecall, { actor: h.coordinator, recallId });
      await handOver(holdId);
      expect((await good(goodIds[0]!)).state).toBe('handed-over');
    });
  });
});
