import { randomUUID } from 'node:crypto';
import {
  InventoryHoldPlacedV1,
  InventoryHoldRejectedV1,
  MatchingReservationRequestedV1,
  MatchingRpc,
  type Actor,
  type EventEnvelope,
  type MatchingReservationRequestedV1Data,
  type RpcRequestInput,
} from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { ReservationsService } from '../src/reservations/reservations.service.js';
import {
  aidNeedFor,
  materialNeed,
  PLACES,
  refusal,
  startMatching,
  type MatchingHarness,
  type Member,
  type TestSite,
} from './harness.js';

describe(ReservationsService.name, () => {
  let h: MatchingHarness;
  let social: Member;
  let amiens: TestSite;

  beforeAll(async () => {
    h = await startMatching({ RESERVATION_HOLD_HOURS: '24' });
    social = h.member();
    amiens = await h.inventory.site(PLACES.amiens);
  });

  afterAll(async () => {
    await h?.close();
  });

  const register = (actor: Actor, body: object) =>
    h.rpc.request(MatchingRpc.registerNeed, {
      actor,
      ...body,
    } as RpcRequestInput<typeof MatchingRpc.registerNeed>);

  async function listedAid(): Promise<string> {
    const goodId = await h.inventory.aid(amiens);
    await eventually(async () => {
      const good = await h.rpc.request(MatchingRpc.getCatalogueGood, {
        actor: h.coordinator,
        goodId,
      });
      expect(good.availableQuantity).toBe('1');
    });
    return goodId;
  }

  /** The request matching sent inventory for a reservation, once its relay has published it. */
  async function requestSent(
    reservationId: string,
  ): Promise<EventEnvelope<MatchingReservationRequestedV1Data>> {
    return eventually(async () => {
      const sent = (await h.events(MatchingReservationRequestedV1.subject)).filter(
        (e) => (e.data as MatchingReservationRequestedV1Data).reservationId === reservationId,
      );
      expect(sent).toHaveLength(1);
      return sent[0] as EventEnvelope<MatchingReservationRequestedV1Data>;
    });
  }

  /** Inventory's answer, as its reservation consumer gives it: a hold. */
  function holdFor(request: MatchingReservationRequestedV1Data) {
    return h.inventory.envelope(InventoryHoldPlacedV1, {
      holdId: randomUUID(),
      goodId: request.goodId,
      holderId: request.holderId,
      quantity: request.quantity,
      unit: 'unit',
      expiresAt: new Date(Date.now() + request.holdForSeconds * 1000).toISOString(),
      reservationId: request.reservationId,
    });
  }

  const reservation = (actor: Actor, reservationId: string) =>
    h.rpc.request(MatchingRpc.getReservation, { actor, reservationId });

  describe('request', () => {
    it("should ask inventory to hold an aid for the beneficiary's reference, and follow its hold", async () => {
      const goodId = await listedAid();
      const { needId, beneficiaryRef } = await register(social.operator, aidNeedFor());

      const requested = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId,
        needId,
      });

      expect(requested).toMatchObject({
        status: 'requested',
        goodId,
        needId,
        holderRef: beneficiaryRef,
        quantity: '1',
        unit: 'unit',
        holdId: null,
      });
      const sent = await requestSent(requested.reservationId);
      expect(sent.data).toEqual({
        reservationId: requested.reservationId,
        goodId,
        holderId: beneficiaryRef,
        quantity: '1',
        holdForSeconds: 24 * 3_600,
      });
      const hold = holdFor(sent.data);
      await h.inventory.publish(hold);
      // Delivered again after the duplicate window: nothing more happens.
      await h.inventory.publishAgain(hold);

      const held = await eventually(async () => {
        const r = await reservation(social.operator, requested.reservationId);
        expect(r.status).toBe('held');
        return r;
      });
      expect(held).toMatchObject({
        holdId: (hold.data as { holdId: string }).holdId,
        expiresAt: (hold.data as { expiresAt: string }).expiresAt,
        rejection: null,
      });
    });

    it("should follow inventory's refusal, with its reason", async () => {
      const goodId = await listedAid();
      const { needId } = await register(social.operator, aidNeedFor());
      const requested = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId,
        needId,
      });
      const sent = await requestSent(requested.reservationId);

      await h.inventory.emit(InventoryHoldRejectedV1, {
        reservationId: sent.data.reservationId,
        goodId,
        reason: 'insufficient-quantity',
        message: 'Invacare Action 3: less than 1 unit is available',
      });

      const rejected = await eventually(async () => {
        const r = await reservation(social.operator, requested.reservationId);
        expect(r.status).toBe('rejected');
        return r;
      });
      expect(rejected.rejection).toEqual({
        reason: 'insufficient-quantity',
        message: 'Invacare Action 3: less than 1 unit is available',
      });
      expect(rejected.holdId).toBeNull();
    });

    it('should reserve part of a lot for a wanted material, held for the member', async () => {
      const family = `ardoises ${randomUUID().slice(0, 6).replace(/\d/g, 'z')}`;
      const lot = await h.inventory.lot(amiens, { materialFamily: family, quantity: '50' });
      await eventually(() =>
        h.rpc.request(MatchingRpc.getCatalogueGood, { actor: h.coordinator, goodId: lot }),
      );
      const { needId } = await register(social.firm, { ...materialNeed(), materialFamily: family });

      const requested = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.firm,
        goodId: lot,
        needId,
        quantity: '12.5',
      });

      expect(requested).toMatchObject({
        holderRef: social.organisationId,
        quantity: '12.5',
        unit: 'm2',
      });
      expect((await requestSent(requested.reservationId)).data.quantity).toBe('12.5');
    });

    it('should refuse, naming the rule, what inventory would only refuse later, and write nothing', async () => {
      const goodId = await listedAid();
      const { needId } = await register(social.operator, aidNeedFor());
      const { needId: material } = await register(social.firm, materialNeed());
      const lot = await h.inventory.lot(amiens, { quantity: '10' });
      // Parquet by weight, for a need in square metres.
      const byWeight = await h.inventory.lot(amiens, { quantity: '300', unit: 'kg' });
      for (const goodId of [lot, byWeight])
        await eventually(() =>
          h.rpc.request(MatchingRpc.getCatalogueGood, { actor: h.coordinator, goodId }),
        );
      const count = async () =>
        (
          await h.orm.em.fork().execute<{ n: string }[]>('SELECT count(*) AS n FROM reservation')
        )[0]!.n;
      const before = await count();

      const cases = [
        [social.operator, { goodId: lot, needId }, 'validation', 'goodId'],
        [social.operator, { goodId, needId, quantity: '2' }, 'validation', 'quantity'],
        [social.firm, { goodId: lot, needId: material }, 'validation', 'quantity'],
        [
          social.firm,
          { goodId: lot, needId: material, quantity: '11' },
          'insufficient-quantity',
          null,
        ],
        [social.firm, { goodId: byWeight, needId: material, quantity: '5' }, 'validation', 'unit'],
        [h.member().operator, { goodId, needId }, 'not-found', null],
        [social.operator, { goodId: randomUUID(), needId }, 'not-found', null],
      ] as const;
      for (const [actor, body, code, path] of cases) {
        const error = await refusal(
          h.rpc.request(MatchingRpc.requestReservation, { actor, ...body }),
        );
        expect({ body, code: error.code }).toEqual({ body, code });
        if (path) expect(error.body.issues?.map((i) => i.path)).toEqual([path]);
        if (path === 'unit') expect(error.message).toContain('counted in kg and the need in m2');
      }
      expect(await count()).toBe(before);
    });

    it('should keep one live reservation of a good per need', async () => {
      const goodId = await listedAid();
      const { needId } = await register(social.operator, aidNeedFor());
      const ask = () =>
        h.rpc.request(MatchingRpc.requestReservation, { actor: social.operator, goodId, needId });

      const outcomes = await Promise.allSettled([ask(), ask(), ask()]);

      const made = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      expect(made).toHaveLength(1);
      const refused = outcomes.flatMap((o) =>
        o.status === 'rejected' ? [o.reason as unknown] : [],
      );
      expect(refused).toHaveLength(2);
      for (const error of refused)
        expect(error).toMatchObject({
          code: 'conflict',
          message: `need ${needId} already has reservation ${made[0]!.reservationId} of good ${goodId} (requested): follow or cancel that one`,
        });
    });
  });

  describe('get', () => {
    it('should show a reservation only to those who reach its need', async () => {
      const goodId = await listedAid();
      const { needId } = await register(social.operator, aidNeedFor());
      const { reservationId } = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId,
        needId,
      });

      const stranger = await refusal(reservation(h.member().operator, reservationId));

      expect(stranger.code).toBe('not-found');
      await expect(reservation(h.coordinator, reservationId)).resolves.toMatchObject({ needId });
    });
  });
});
