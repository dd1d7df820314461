import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { InventoryRpc, type Actor } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
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
          reason: 'taken away',
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
