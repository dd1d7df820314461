import { jetstream } from '@nats-io/jetstream';
import { InventoryHoldReleasedV1, InventoryRpc, type EventEnvelope } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { expireJobOptions, HOLDS_QUEUE } from '../src/holds/holds.jobs.js';
import { HoldsService } from '../src/holds/holds.service.js';
import {
  availableLot,
  availableWheelchair,
  refurbish,
  intakeWheelchairs,
  refusal,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

describe(HoldsService.name, () => {
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

  const lot = (quantity: string) => availableLot(h, fixture, quantity);

  const place = (goodId: string, holderId: string, quantity = '1', ttlSeconds = 3_600) =>
    h.rpc.request(InventoryRpc.placeHold, {
      actor: h.coordinator,
      goodId,
      quantity,
      holderId,
      ttlSeconds,
    });

  describe('place', () => {
    it('should let exactly one of 100 concurrent holds on the last unit succeed, 100 times over', async () => {
      const serials = Array.from({ length: 100 }, (_, i) => `RACE-${i}`);
      const goodIds = await intakeWheelchairs(h, fixture, serials);
      for (const goodId of goodIds) await refurbish(h, fixture, goodId);

      for (const goodId of goodIds) {
        const answers = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) => place(goodId, `ben-${i}`)),
        );
        const won = answers.filter((a) => a.status === 'fulfilled');
        const lost = answers
          .filter((a) => a.status === 'rejected')
          .map((a) => a.reason as { code: string });
        expect(won).toHaveLength(1);
        expect(new Set(lost.map((e) => e.code))).toEqual(new Set(['insufficient-quantity']));
      }
      const [row] = await h.orm.em
        .fork()
        .execute<{ n: string }[]>("SELECT count(*) AS n FROM hold WHERE status = 'active'");
      expect(Number(row!.n)).toBeGreaterThanOrEqual(100);
      // Ten thousand requests: a bound on a hang, wide enough for a machine busy with others.
    }, 600_000);

    it('should hold part of a lot and refuse more than what is left', async () => {
      const goodId = await lot('10');
      await place(goodId, 'firm-a', '6.5');
      const error = await refusal(place(goodId, 'firm-b', '4'));
      expect(error.code).toBe('insufficient-quantity');
      await place(goodId, 'firm-b', '3.5');

      const good = await h.rpc.request(InventoryRpc.getGood, {
        actor: fixture.operator,
        goodId,
      });
      expect(good.balances).toEqual([expect.objectContaining({ state: 'held', quantity: '10' })]);
    });

    it('should refuse half of something counted in whole units', async () => {
      const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
        actor: fixture.operator,
        siteId: fixture.siteId,
        locationId: fixture.locationId,
        grossWeightKg: 200,
        tareKg: 10,
        provenance: { locality: 'Amiens' },
        collectionMode: 'pickup',
        goods: [
          {
            kind: 'lot',
            materialFamily: 'doors',
            quantity: '6',
            unit: 'unit',
            conditionGrade: 'B',
            wasteCode: '17 02 01',
          },
        ],
      });
      await h.rpc.request(InventoryRpc.moveGood, {
        actor: fixture.operator,
        goodId: goodIds[0]!,
        quantity: '6',
        fromState: 'stored',
        toState: 'available',
        reason: 'sorted',
      });
      const error = await refusal(place(goodIds[0]!, 'firm-d', '0.5'));
      expect(error.body.issues?.[0]?.path).toBe('quantity');
    });

    it('should answer every racing command on one hold with one success and typed refusals', async () => {
      for (let round = 0; round < 10; round++) {
        const goodId = await availableWheelchair(h, fixture, `RACE-END-${round}`);
        const { holdId } = await place(goodId, 'ben-r');
        await h.orm.em.fork().execute('UPDATE hold SET expires_at = now() WHERE id = ?', [holdId]);
        const outcomes = await Promise.allSettled([
          h.rpc.request(InventoryRpc.releaseHold, {
            actor: fixture.operator,
            holdId,
            reason: 'cancelled',
          }),
          h.rpc.request(InventoryRpc.handOverHold, {
            actor: fixture.operator,
            holdId,
            beneficiaryRef: 'ben-r',
          }),
          h.app.get(HoldsService).expire(holdId),
          h.rpc.request(InventoryRpc.moveGood, {
            actor: fixture.operator,
            goodId,
            quantity: '1',
            fromState: 'held',
            toState: 'available',
            reason: 'put-on-sale',
          }),
        ]);
        const rpcOutcomes = [outcomes[0], outcomes[1], outcomes[3]];
        const codes = rpcOutcomes
          .filter((o) => o.status === 'rejected')
          .map((o) => (o.reason as { code: string }).code);
        expect(codes).not.toContain('internal');
        const expired = outcomes[2].status === 'fulfilled' && outcomes[2].value === 'released';
        const ended =
          rpcOutcomes.filter((o) => o.status === 'fulfilled').length + (expired ? 1 : 0);
        expect(ended).toBe(1);
        const [row] = await h.orm.em
          .fork()
          .execute<{ n: string }[]>('SELECT count(*) AS n FROM stock_movement WHERE hold_id = ?', [
            holdId,
          ]);
        // One movement into the hold, one out of it.
        expect(Number(row!.n)).toBe(2);
      }
    });

    it('should refuse a hold on an aid not yet released for use', async () => {
      const [goodId] = await intakeWheelchairs(h, fixture, ['NOT-READY']);
      expect((await refusal(place(goodId!, 'ben-1'))).code).toBe('insufficient-quantity');
    });
  });

  describe('release', () => {
    it('should make the quantity available again and end the hold once', async () => {
      const goodId = await availableWheelchair(h, fixture, 'REL-1');
      const { holdId } = await place(goodId, 'ben-1');

      await h.rpc.request(InventoryRpc.releaseHold, {
        actor: fixture.operator,
        holdId,
        reason: 'cancelled',
      });
      const again = await refusal(
        h.rpc.request(InventoryRpc.releaseHold, {
          actor: fixture.operator,
          holdId,
          reason: 'cancelled',
        }),
      );

      expect(again.code).toBe('invalid-transition');
      const good = await h.rpc.request(InventoryRpc.getGood, {
        actor: fixture.operator,
        goodId,
      });
      expect(good.state).toBe('available');
    });
  });

  describe('handOver', () => {
    it('should hand the held aid over and show its holder in a recall', async () => {
      const goodId = await availableWheelchair(h, fixture, 'HO-1');
      const { holdId } = await place(goodId, 'ben-9');
      await h.rpc.request(InventoryRpc.handOverHold, {
        actor: fixture.operator,
        holdId,
        beneficiaryRef: 'ben-9',
      });

      const recall = await h.rpc.request(InventoryRpc.recall, {
        actor: h.coordinator,
        make: 'Invacare',
        model: 'Action 3',
        serialFrom: 'HO-1',
        serialTo: 'HO-1',
      });
      expect(recall.units).toEqual([
        expect.objectContaining({ serialNumber: 'HO-1', state: 'handed-over', holder: 'ben-9' }),
      ]);
      const other = await h.member();
      const foreign = await h.rpc.request(InventoryRpc.recall, {
        actor: other.operator,
        make: 'Invacare',
        model: 'Action 3',
        serialFrom: 'HO-1',
        serialTo: 'HO-1',
      });
      // Another member sees only its own units: never this beneficiary.
      expect(foreign.units).toEqual([]);
      const released = await refusal(
        h.rpc.request(InventoryRpc.releaseHold, {
          actor: fixture.operator,
          holdId,
          reason: 'cancelled',
        }),
      );
      expect(released.code).toBe('invalid-transition');
    });
  });

  describe('expire', () => {
    it('should release a hold at its expiry and emit the event', async () => {
      const goodId = await availableWheelchair(h, fixture, 'EXP-1');
      const js = jetstream(h.nc);
      const { holdId } = await place(goodId, 'ben-3', '1', 1);

      await eventually(
        async () => {
          const good = await h.rpc.request(InventoryRpc.getGood, {
            actor: fixture.operator,
            goodId,
          });
          expect(good.state).toBe('available');
        },
        { timeoutMs: 15_000 },
      );
      // The relay publishes after the commit: the last released event may still be
      // an earlier test's until this hold's own arrives.
      await eventually(async () => {
        const msg = await js.streams
          .get(h.naming.stream('inventory'))
          .then((s) => s.getMessage({ last_by_subj: h.naming.subject(InventoryHoldReleasedV1) }));
        expect(msg?.json<EventEnvelope>()).toMatchObject({
          type: 'inventory.hold.released',
          actor: { role: 'system' },
          data: { holdId, goodId, reason: 'expired' },
        });
      });
    });

    it('should release the hold when its BullMQ job runs, as on a replica that restarted', async () => {
      const goodId = await availableWheelchair(h, fixture, 'JOB-1');
      const { holdId } = await place(goodId, 'ben-6', '1', 3_600);
      await h.orm.em
        .fork()
        .execute("UPDATE hold SET expires_at = now() - interval '1 second' WHERE id = ?", [holdId]);
      const queue = h.app.get<Queue>(getQueueToken(HOLDS_QUEUE));
      const job = await queue.getJob(expireJobOptions(holdId, 0).jobId);
      expect(await job!.getState()).toBe('delayed');

      await job!.promote();

      await eventually(async () => {
        const good = await h.rpc.request(InventoryRpc.getGood, {
          actor: fixture.operator,
          goodId,
        });
        expect(good.state).toBe('available');
      });
      const [hold] = await h.orm.em
        .fork()
        .execute<{ end_reason: string }[]>('SELECT end_reason FROM hold WHERE id = ?', [holdId]);
      expect(hold!.end_reason).toBe('expired');
    });

    it('should release overdue holds in the sweep when their job never ran', async () => {
      const goodId = await availableWheelchair(h, fixture, 'SWEEP-1');
      const { holdId } = await place(goodId, 'ben-4', '1', 3_600);
      // As if the process had died between the commit and scheduling the job.
      await h.orm.em
        .fork()
        .execute("UPDATE hold SET expires_at = now() - interval '1 minute' WHERE id = ?", [holdId]);

      expect(await h.app.get(HoldsService).sweep()).toBeGreaterThanOrEqual(1);

      const good = await h.rpc.request(InventoryRpc.getGood, {
        actor: fixture.operator,
        goodId,
      });
      expect(good.state).toBe('available');
    });
  });
});
