import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { InventoryRpc, type Actor } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { expireJobOptions, HOLDS_QUEUE } from '../src/holds/holds.jobs.js';
import { divertJobOptions, LOTS_QUEUE } from '../src/lots/lots.jobs.js';
import { LotsService } from '../src/lots/lots.service.js';
import {
  firmUser,
  lotOffer,
  offerLot,
  refusal,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

describe(LotsService.name, () => {
  let h: InventoryHarness;
  let site: Fixture;
  let firm: Actor;

  beforeAll(async () => {
    h = await startInventory();
    site = await h.member('construction-site');
    firm = firmUser(site);
  });

  afterAll(async () => {
    await h?.close();
  });

  const offer = (overrides: Parameters<typeof lotOffer>[1] = {}) => offerLot(h, site, overrides);

  const balances = async (goodId: string) =>
    (
      await h.rpc.request(InventoryRpc.getGood, {
        actor: firm,
        goodId,
      })
    ).balances.map((b) => [b.state, b.quantity]);

  describe('offer', () => {
    it('should offer a lot on its site that takers can hold in part', async () => {
      const { goodId } = await offer();
      await h.rpc.request(InventoryRpc.placeHold, {
        actor: h.coordinator,
        goodId,
        quantity: '30',
        holderId: 'firm-b',
        ttlSeconds: 3_600,
      });
      expect(await balances(goodId)).toEqual([
        ['held', '30'],
        ['offered', '54.5'],
      ]);
    });

    it.each([
      ['a hazardous lot', { hazardous: true }, 'hazardous'],
      [
        'a window that closes before it opens',
        { mustBeGoneBy: new Date(Date.now() - 7_200_000).toISOString() },
        'mustBeGoneBy',
      ],
      ['a made-up waste code', { wasteCode: '17-02-01' }, 'wasteCode'],
      [
        'a starred (hazardous) waste code not flagged as hazardous',
        { wasteCode: '17 02 04*' },
        'wasteCode',
      ],
      [
        'a fallback route that does not exist',
        { fallback: { route: 'river', facility: 'x' } },
        'fallback.route',
      ],
    ])('should refuse %s, naming the field', async (_case, overrides, path) => {
      const error = await refusal(
        h.rpc.send(InventoryRpc.offerLot.subject, { ...lotOffer(site), ...overrides }),
      );
      expect(error.code).toBe('validation');
      expect(error.body.issues?.map((i) => i.path)).toContain(path);
    });

    it('should refuse an offer from a site that is not a construction site', async () => {
      const village = await h.member('reuse-village');
      const error = await refusal(
        offer({
          actor: { ...firm, organisationId: village.organisationId },
          siteId: village.siteId,
          locationId: village.locationId,
        }),
      );
      expect(error.body.issues?.[0]?.path).toBe('siteId');
    });
  });

  describe('divertUntaken', () => {
    it('should divert what nobody took when the window closes, record where it went, and leave held stock alone', async () => {
      const { goodId } = await offer({
        mustBeGoneBy: new Date(Date.now() + 3_600_000).toISOString(),
      });
      await h.rpc.request(InventoryRpc.placeHold, {
        actor: h.coordinator,
        goodId,
        quantity: '40',
        holderId: 'firm-c',
        ttlSeconds: 7_200,
      });
      // The works moved forward: the window closes now and the job comes due.
      await h.orm.em
        .fork()
        .execute(
          "UPDATE good SET must_be_gone_by = now(), available_from = now() - interval '1 day' WHERE id = ?",
          [goodId],
        );
      const queue = h.app.get<Queue>(getQueueToken(LOTS_QUEUE));
      await (await queue.getJob(divertJobOptions(goodId, 0).jobId))!.promote();

      await eventually(async () =>
        expect(await balances(goodId)).toEqual([
          ['diverted', '44.5'],
          ['held', '40'],
        ]),
      );
      const [diversion] = await h.orm.em
        .fork()
        .execute<{ route: string; facility: string; automatic: boolean; quantity: string }[]>(
          'SELECT route, facility, automatic, quantity::text AS quantity FROM diversion WHERE good_id = ?',
          [goodId],
        );
      expect(diversion).toEqual({
        route: 'recycling',
        facility: 'plateforme bois Amiens Est',
        automatic: true,
        quantity: '44.500',
      });
      expect(await h.app.get(LotsService).divertUntaken(goodId)).toBe('nothing-left');
    });

    it('should not divert before the window closes', async () => {
      const { goodId } = await offer();
      expect(await h.app.get(LotsService).divertUntaken(goodId)).toBe('not-yet');
      expect(await balances(goodId)).toEqual([['offered', '84.5']]);
    });
  });

  describe('holds on a lot', () => {
    it('should end a hold at mustBeGoneBy however long it was asked for', async () => {
      const mustBeGoneBy = new Date(Date.now() + 60_000);
      const { goodId } = await offer({ mustBeGoneBy: mustBeGoneBy.toISOString() });

      const { expiresAt } = await h.rpc.request(InventoryRpc.placeHold, {
        actor: h.coordinator,
        goodId,
        quantity: '10',
        holderId: 'firm-late',
        ttlSeconds: 30 * 24 * 3_600,
      });

      expect(new Date(expiresAt).getTime()).toBeLessThanOrEqual(mustBeGoneBy.getTime());
    });

    it('should refuse to hand over a lot after mustBeGoneBy', async () => {
      const { goodId } = await offer({ mustBeGoneBy: new Date(Date.now() + 1_500).toISOString() });
      const { holdId } = await h.rpc.request(InventoryRpc.placeHold, {
        actor: h.coordinator,
        goodId,
        quantity: '10',
        holderId: 'firm-late',
        ttlSeconds: 3_600,
      });
      await eventually(async () => {
        const [row] = await h.orm.em
          .fork()
          .execute<{ past: boolean }[]>(
            'SELECT must_be_gone_by <= clock_timestamp() AS past FROM good WHERE id = ?',
            [goodId],
          );
        expect(row!.past).toBe(true);
      });

      const error = await refusal(
        h.rpc.request(InventoryRpc.handOverHold, {
          actor: firm,
          holdId,
          beneficiaryRef: 'taker-1',
        }),
      );

      expect(error.code).toBe('invalid-transition');
    });
  });

  const eventsAbout = (aggregateId: string) =>
    h.orm.em
      .fork()
      .execute<{ type: string; data: Record<string, unknown> }[]>(
        `SELECT payload->>'type' AS type, payload->'data' AS data FROM messaging_outbox WHERE aggregate_id = ? ORDER BY id`,
        [aggregateId],
      );

  /** When a delayed job is due to run, in ms since the epoch; undefined if there is none. */
  const dueAt = async (queueName: string, jobId: string) => {
    const job = await h.app.get<Queue>(getQueueToken(queueName)).getJob(jobId);
    return job ? job.timestamp + (job.opts.delay ?? 0) : undefined;
  };

  const hold = (goodId: string, quantity: string, ttlSeconds = 7_200) =>
    h.rpc.request(InventoryRpc.placeHold, {
      actor: h.coordinator,
      goodId,
      quantity,
      holderId: 'taker-1',
      ttlSeconds,
    });

  const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

  describe('amendWindow', () => {
    it('should cap a hold that would outlive a shortened window and move both jobs to the new mustBeGoneBy', async () => {
      const { goodId } = await offer({ mustBeGoneBy: inMs(3_600_000) });
      const { holdId } = await hold(goodId, '30');
      const mustBeGoneBy = new Date(Math.ceil((Date.now() + 1_800_000) / 1000) * 1000);

      const answer = await h.rpc.request(InventoryRpc.amendLotWindow, {
        actor: firm,
        goodId,
        availableFrom: inMs(-3_600_000),
        mustBeGoneBy: mustBeGoneBy.toISOString(),
      });

      expect(answer).toMatchObject({
        goodId,
        mustBeGoneBy: mustBeGoneBy.toISOString(),
        cappedHoldIds: [holdId],
      });
      const { activeHolds } = await h.rpc.request(InventoryRpc.getGood, { actor: firm, goodId });
      expect(activeHolds).toEqual([
        expect.objectContaining({ holdId, expiresAt: mustBeGoneBy.toISOString() }),
      ]);
      // A second's leeway: each job's delay was counted from the moment it was added.
      for (const due of [
        await dueAt(LOTS_QUEUE, divertJobOptions(goodId, 0).jobId),
        await dueAt(HOLDS_QUEUE, expireJobOptions(holdId, 0).jobId),
      ]) {
        expect(Math.abs(due! - mustBeGoneBy.getTime())).toBeLessThan(1_000);
      }
      expect(await eventsAbout(goodId)).toContainEqual({
        type: 'inventory.lot.window-amended',
        data: {
          goodId,
          availableFrom: answer.availableFrom,
          mustBeGoneBy: mustBeGoneBy.toISOString(),
          cappedHolds: [{ holdId, reservationId: null, expiresAt: mustBeGoneBy.toISOString() }],
        },
      });
    });

    it('should divert what nobody took at the amended mustBeGoneBy', async () => {
      const { goodId } = await offer({ mustBeGoneBy: inMs(3_600_000) });

      await h.rpc.request(InventoryRpc.amendLotWindow, {
        actor: firm,
        goodId,
        availableFrom: inMs(-3_600_000),
        mustBeGoneBy: inMs(1_500),
      });

      await eventually(async () => expect(await balances(goodId)).toEqual([['diverted', '84.5']]));
    });

    it('should not divert at the original mustBeGoneBy a lot whose window was extended', async () => {
      const { goodId } = await offer({ mustBeGoneBy: inMs(3_600_000) });
      const extended = new Date(Date.now() + 7_200_000);

      await h.rpc.request(InventoryRpc.amendLotWindow, {
        actor: firm,
        goodId,
        availableFrom: inMs(-3_600_000),
        mustBeGoneBy: extended.toISOString(),
      });

      const due = await dueAt(LOTS_QUEUE, divertJobOptions(goodId, 0).jobId);
      expect(Math.abs(due! - extended.getTime())).toBeLessThan(1_000);
      expect(await h.app.get(LotsService).divertUntaken(goodId)).toBe('not-yet');
    });

    it.each([
      ['a mustBeGoneBy in the past', () => ({ mustBeGoneBy: inMs(-60_000) })],
      [
        'a mustBeGoneBy before availableFrom',
        () => ({ availableFrom: inMs(7_200_000), mustBeGoneBy: inMs(3_600_000) }),
      ],
    ])('should refuse %s, naming the field', async (_case, window) => {
      const { goodId } = await offer();
      const error = await refusal(
        h.rpc.request(InventoryRpc.amendLotWindow, {
          actor: firm,
          goodId,
          availableFrom: inMs(-3_600_000),
          ...window(),
        }),
      );
      expect(error.code).toBe('validation');
      expect(error.body.issues?.map((i) => i.path)).toContain('mustBeGoneBy');
    });

    it("should answer another member's lot as not found", async () => {
      const { goodId } = await offer();
      const other = firmUser(await h.member('construction-site'));
      const error = await refusal(
        h.rpc.request(InventoryRpc.amendLotWindow, {
          actor: other,
          goodId,
          availableFrom: inMs(-3_600_000),
          mustBeGoneBy: inMs(7_200_000),
        }),
      );
      expect(error.code).toBe('not-found');
    });
  });

  describe('withdraw', () => {
    it('should keep what was offered or held for the firm, end its holds as withdrawn and divert nothing', async () => {
      const { goodId } = await offer();
      const { holdId } = await hold(goodId, '30');

      const answer = await h.rpc.request(InventoryRpc.withdrawLot, { actor: firm, goodId });

      expect(answer).toEqual({ goodId, withdrawn: '84.5', releasedHoldIds: [holdId] });
      expect(await balances(goodId)).toEqual([['withdrawn', '84.5']]);
      const [row] = await h.orm.em
        .fork()
        .execute<{ status: string; end_reason: string }[]>(
          'SELECT status, end_reason FROM hold WHERE id = ?',
          [holdId],
        );
      expect(row).toEqual({ status: 'released', end_reason: 'withdrawn' });
      expect(await eventsAbout(holdId)).toContainEqual({
        type: 'inventory.hold.released',
        data: expect.objectContaining({ holdId, goodId, reason: 'withdrawn' }),
      });
      expect(await eventsAbout(goodId)).toContainEqual({
        type: 'inventory.lot.withdrawn',
        data: { goodId, quantity: '84.5', unit: 'm2', releasedHoldIds: [holdId] },
      });
      expect(await dueAt(LOTS_QUEUE, divertJobOptions(goodId, 0).jobId)).toBeUndefined();

      // Even should its job still run once the window closed, nothing is diverted.
      await h.orm.em
        .fork()
        .execute(
          "UPDATE good SET must_be_gone_by = now(), available_from = now() - interval '1 day' WHERE id = ?",
          [goodId],
        );
      expect(await h.app.get(LotsService).divertUntaken(goodId)).toBe('nothing-left');
      expect(await balances(goodId)).toEqual([['withdrawn', '84.5']]);
    });

    it('should refuse to withdraw, hold or amend a lot already withdrawn', async () => {
      const { goodId } = await offer();
      await h.rpc.request(InventoryRpc.withdrawLot, { actor: firm, goodId });

      for (const attempt of [
        h.rpc.request(InventoryRpc.withdrawLot, { actor: firm, goodId }),
        h.rpc.request(InventoryRpc.amendLotWindow, {
          actor: firm,
          goodId,
          availableFrom: inMs(-3_600_000),
          mustBeGoneBy: inMs(7_200_000),
        }),
      ]) {
        expect((await refusal(attempt)).code).toBe('invalid-transition');
      }
      expect((await refusal(hold(goodId, '1'))).code).toBe('insufficient-quantity');
    });

    it('should refuse a plain move to withdrawn, which would leave its holds in place', async () => {
      const { goodId } = await offer();
      const error = await refusal(
        h.rpc.request(InventoryRpc.moveGood, {
          actor: h.coordinator,
          goodId,
          quantity: '84.5',
          fromState: 'offered',
          toState: 'withdrawn',
          reason: 'collected',
        }),
      );
      expect(error.code).toBe('invalid-transition');
    });

    it("should answer another member's lot as not found", async () => {
      const { goodId } = await offer();
      const other = firmUser(await h.member('construction-site'));
      const error = await refusal(
        h.rpc.request(InventoryRpc.withdrawLot, { actor: other, goodId }),
      );
      expect(error.code).toBe('not-found');
      expect(await balances(goodId)).toEqual([['offered', '84.5']]);
    });
  });

  describe('divert', () => {
    it('should refuse a plain move to diverted, which would report a route nobody recorded', async () => {
      const { goodId } = await offer();

      const error = await refusal(
        h.rpc.request(InventoryRpc.moveGood, {
          actor: firm,
          goodId,
          quantity: '84.5',
          fromState: 'offered',
          toState: 'diverted',
          reason: 'collected',
        }),
      );

      expect(error.code).toBe('invalid-transition');
      expect(await balances(goodId)).toEqual([['offered', '84.5']]);
    });

    it('should let the firm divert what is still offered, to a destination it names', async () => {
      const { goodId } = await offer();
      const result = await h.rpc.request(InventoryRpc.divertLot, {
        actor: firm,
        goodId,
        destination: { route: 'energy-recovery', facility: 'chaufferie biomasse Amiens' },
      });
      expect(result).toEqual({ goodId, diverted: '84.5' });
      const again = await refusal(
        h.rpc.request(InventoryRpc.divertLot, {
          actor: firm,
          goodId,
          destination: { route: 'recycling', facility: 'x' },
        }),
      );
      expect(again.code).toBe('insufficient-quantity');
    });
  });
});
