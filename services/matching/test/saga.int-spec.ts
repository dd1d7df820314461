import { randomUUID } from 'node:crypto';
import {
  InventoryHoldHandedOverV1,
  InventoryHoldPlacedV1,
  InventoryHoldRejectedV1,
  InventoryHoldReleasedV1,
  MatchingNeedClosedV1,
  MatchingReservationCancelledV1,
  MatchingReservationRequestedV1,
  MatchingReservationStatusChangedV1,
  MatchingRpc,
  type Actor,
  type MatchingReservationCancelledV1Data,
  type MatchingReservationRequestedV1Data,
  type RpcRequestInput,
} from '@boucle/contracts';
import { eventually } from '@boucle/testing';
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

/**
 * The reservation saga past inventory's first answer, with inventory played by its events:
 * approval, refusal, cancellation, expiry and the next need in line, hand-over, the sweep
 * of unanswered requests, the caps. Each case reserves aids of an ISO class of its own,
 * so that the needs of one case are never in the line of another's aid.
 */
describe('reservation saga', () => {
  let h: MatchingHarness;
  let social: Member;
  let village: TestSite;
  /** Staff of the reuse village whose aids are reserved: they approve. */
  let staff: Actor;
  let classes = 0;

  beforeAll(async () => {
    h = await startMatching({
      RESERVATION_HOLD_HOURS: '24',
      RESERVATION_ANSWER_TIMEOUT_SECONDS: '5',
      RESERVATION_SWEEP_INTERVAL_MS: '250',
      MAX_LIVE_RESERVATIONS_PER_BENEFICIARY: '2',
    });
    social = h.member();
    village = await h.inventory.site(PLACES.amiens);
    staff = {
      userId: `staff-${randomUUID().slice(0, 6)}`,
      role: 'refurbisher',
      organisationId: village.organisationId,
    };
  });

  afterAll(async () => {
    await h?.close();
  });

  /** An ISO class nobody else in this file asks for. */
  const nextClass = () => `12 23 ${String(++classes).padStart(2, '0')}`;
  const at = (state: string) => ({ state, locationId: village.locationId });

  /** Once the catalogue shows the good with this much available. */
  const availableIs = (goodId: string, quantity: string) =>
    eventually(async () =>
      expect(
        (await h.rpc.request(MatchingRpc.getCatalogueGood, { actor: h.coordinator, goodId }))
          .availableQuantity,
      ).toBe(quantity),
    );

  async function listedAid(isoClass: string): Promise<string> {
    const goodId = await h.inventory.aid(village, { isoClass });
    await availableIs(goodId, '1');
    return goodId;
  }

  const register = async (actor: Actor, body: object) =>
    h.rpc.request(MatchingRpc.registerNeed, {
      actor,
      ...body,
    } as RpcRequestInput<typeof MatchingRpc.registerNeed>);

  const aidNeed = (isoClass: string, name?: string) =>
    register(social.operator, { ...aidNeedFor(name), isoClass });

  const reservation = (actor: Actor, reservationId: string) =>
    h.rpc.request(MatchingRpc.getReservation, { actor, reservationId });

  const statusOf = (reservationId: string, status: string) =>
    eventually(async () => {
      const r = await reservation(h.coordinator, reservationId);
      expect(r.status).toBe(status);
      return r;
    });

  async function requests(filter: (d: MatchingReservationRequestedV1Data) => boolean) {
    return (await h.events(MatchingReservationRequestedV1.subject))
      .map((e) => e.data as MatchingReservationRequestedV1Data)
      .filter(filter);
  }

  const requestSent = (reservationId: string) =>
    eventually(async () => {
      const sent = await requests((d) => d.reservationId === reservationId);
      expect(sent).toHaveLength(1);
      return sent[0]!;
    });

  /** The approval queue as the actor sees it. */
  const queueOf = async (actor: Actor) =>
    (
      await h.rpc.request(MatchingRpc.listReservations, { actor, awaitingApproval: true })
    ).reservations.map((r) => r.reservationId);

  const cancellations = async (reservationId: string) =>
    (await h.events(MatchingReservationCancelledV1.subject))
      .map((e) => e.data as MatchingReservationCancelledV1Data)
      .filter((d) => d.reservationId === reservationId);

  /** Inventory holds it: the hold, and the stock moved into `held`. */
  async function hold(
    request: MatchingReservationRequestedV1Data,
    kind: 'item' | 'lot' = 'item',
    unit: 'unit' | 'm2' = 'unit',
  ) {
    const holdId = randomUUID();
    const from = kind === 'item' ? 'available' : 'offered';
    await h.inventory.publish(
      h.inventory.moved(request.goodId, kind, request.quantity, at(from), at('held'), unit),
      h.inventory.envelope(InventoryHoldPlacedV1, {
        holdId,
        goodId: request.goodId,
        holderId: request.holderId,
        quantity: request.quantity,
        unit,
        expiresAt: new Date(Date.now() + request.holdForSeconds * 1000).toISOString(),
        reservationId: request.reservationId,
      }),
    );
    return holdId;
  }

  /** Inventory lets the hold go: the release, and the stock back where it was held from. */
  async function release(
    request: MatchingReservationRequestedV1Data,
    holdId: string,
    reason: 'expired' | 'cancelled' | 'approval-refused' | 'recalled',
  ) {
    await h.inventory.publish(
      h.inventory.envelope(InventoryHoldReleasedV1, {
        holdId,
        goodId: request.goodId,
        reason,
        reservationId: request.reservationId,
      }),
      h.inventory.moved(
        request.goodId,
        'item',
        request.quantity,
        at('held'),
        at(reason === 'recalled' ? 'quarantined' : 'available'),
      ),
    );
  }

  async function reserveAndHold(goodId: string, needId: string, actor: Actor = social.operator) {
    const r = await h.rpc.request(MatchingRpc.requestReservation, { actor, goodId, needId });
    const request = await requestSent(r.reservationId);
    const holdId = await hold(request);
    return { reservationId: r.reservationId, request, holdId };
  }

  describe('approval', () => {
    it('should keep a held aid waiting for the approval of its member, then confirm it', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const { needId } = await aidNeed(iso);
      const { reservationId, holdId } = await reserveAndHold(goodId, needId);

      const held = await statusOf(reservationId, 'held');
      expect(held).toMatchObject({ approvalRequired: true, approval: null, holdId });
      const queue = await h.rpc.request(MatchingRpc.listReservations, {
        actor: staff,
        awaitingApproval: true,
      });
      expect(queue.reservations.map((r) => r.reservationId)).toContain(reservationId);
      // The social worker's member follows it, and approves none of it: not in its queue.
      const colleague: Actor = { ...social.operator, userId: `colleague-${randomUUID()}` };
      expect(await queueOf(colleague)).not.toContain(reservationId);
      // Nor is a firm of the village one who approves aids.
      const villageFirm: Actor = { ...staff, userId: 'firm-village', role: 'firm' };
      expect(await queueOf(villageFirm)).not.toContain(reservationId);

      // The social worker may follow it, not approve it; another member's staff cannot see it.
      expect(
        (
          await refusal(
            h.rpc.request(MatchingRpc.approveReservation, {
              actor: social.operator,
              reservationId,
            }),
          )
        ).code,
      ).toBe('forbidden');
      const stranger = { ...staff, organisationId: randomUUID() };
      expect(
        (
          await refusal(
            h.rpc.request(MatchingRpc.approveReservation, { actor: stranger, reservationId }),
          )
        ).code,
      ).toBe('not-found');

      const approved = await h.rpc.request(MatchingRpc.approveReservation, {
        actor: staff,
        reservationId,
      });

      expect(approved).toMatchObject({
        status: 'confirmed',
        approval: { decision: 'approved', by: staff.userId, note: null },
      });
      const again = await refusal(
        h.rpc.request(MatchingRpc.approveReservation, { actor: staff, reservationId }),
      );
      expect(again).toMatchObject({ code: 'invalid-transition' });
      await eventually(async () => {
        const changes = (await h.events(MatchingReservationStatusChangedV1.subject))
          .map((e) => e.data as { reservationId: string; status: string })
          .filter((d) => d.reservationId === reservationId)
          .map((d) => d.status);
        expect(changes).toEqual(['held', 'confirmed']);
      });
      expect(await cancellations(reservationId)).toEqual([]);
    });

    it('should let inventory release the hold of a refused aid, and offer it to the next need in line', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const first = await aidNeed(iso, 'Paul Martin');
      const second = await aidNeed(iso, 'Anne Leroy');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, first.needId);
      await statusOf(reservationId, 'held');

      const refused = await h.rpc.request(MatchingRpc.refuseReservation, {
        actor: staff,
        reservationId,
        note: "l'assise ne convient pas à la hauteur du lit",
      });

      expect(refused).toMatchObject({
        status: 'refused',
        endReason: 'approval-refused',
        approval: { decision: 'refused', note: "l'assise ne convient pas à la hauteur du lit" },
      });
      await eventually(async () =>
        expect(await cancellations(reservationId)).toEqual([
          { reservationId, goodId, holdId, reason: 'approval-refused' },
        ]),
      );
      // The staff's words stay in matching.
      expect((await h.allMessages()).some((m) => m.includes('hauteur du lit'))).toBe(false);

      await release(request, holdId, 'approval-refused');

      const offered = await eventually(async () => {
        const sent = await requests(
          (d) => d.goodId === goodId && d.reservationId !== reservationId,
        );
        expect(sent).toHaveLength(1);
        return sent[0]!;
      });
      expect(offered.holderId).toBe(second.beneficiaryRef);
      await expect(reservation(social.operator, offered.reservationId)).resolves.toMatchObject({
        needId: second.needId,
        offered: true,
        status: 'requested',
      });
    });
  });

  describe('four eyes and erasure', () => {
    it('should not let whoever asked for an aid approve it, another of the staff may', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      // An operator of the village itself, acting for someone it knows.
      const counter: Actor = {
        userId: 'village-op',
        role: 'operator',
        organisationId: village.organisationId,
      };
      const { needId } = await register(counter, { ...aidNeedFor(), isoClass: iso });
      const { reservationId } = await reserveAndHold(goodId, needId, counter);
      await statusOf(reservationId, 'held');

      // Its queue lists only what it may decide; another of the staff's lists it.
      expect(await queueOf(counter)).not.toContain(reservationId);
      expect(await queueOf(staff)).toContain(reservationId);
      const own = await refusal(
        h.rpc.request(MatchingRpc.approveReservation, { actor: counter, reservationId }),
      );

      expect(own.code).toBe('forbidden');
      await expect(
        h.rpc.request(MatchingRpc.approveReservation, { actor: staff, reservationId }),
      ).resolves.toMatchObject({ status: 'confirmed' });
    });

    it("should forget the staff's note about a person once the person is erased", async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const { needId, beneficiaryRef } = await aidNeed(iso);
      const { reservationId } = await reserveAndHold(goodId, needId);
      await statusOf(reservationId, 'held');
      await h.rpc.request(MatchingRpc.refuseReservation, {
        actor: staff,
        reservationId,
        note: 'trop lourd pour son aidante',
      });

      await h.rpc.request(MatchingRpc.eraseBeneficiary, {
        actor: social.operator,
        beneficiaryRef: beneficiaryRef!,
      });

      await expect(reservation(social.operator, reservationId)).resolves.toMatchObject({
        approval: { decision: 'refused', note: null },
      });
    });
  });

  describe('expiry', () => {
    it('should end a reservation whose hold ran out, and hold the aid for the next need once, whichever of the release and the stock comes first', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const first = await aidNeed(iso, 'Paul Martin');
      const second = await aidNeed(iso, 'Anne Leroy');
      const third = await aidNeed(iso, 'Luc Bernard');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, first.needId);
      await statusOf(reservationId, 'held');

      // The stock first, then the release, then both again.
      await h.inventory.publish(
        h.inventory.moved(goodId, 'item', '1', at('held'), at('available')),
      );
      const released = h.inventory.envelope(InventoryHoldReleasedV1, {
        holdId,
        goodId,
        reason: 'expired',
        reservationId,
      });
      await h.inventory.publish(released);
      await h.inventory.publishAgain(released);

      await expect(statusOf(reservationId, 'expired')).resolves.toMatchObject({
        endReason: 'expired',
      });
      const offered = await eventually(async () => {
        const sent = await requests(
          (d) => d.goodId === goodId && d.reservationId !== reservationId,
        );
        expect(sent).toHaveLength(1);
        return sent[0]!;
      });
      expect(offered.holderId).toBe(second.beneficiaryRef);
      // Nothing more is offered while the next one's reservation is live.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await requests((d) => d.goodId === goodId)).toHaveLength(2);
      expect(third.needId).toBeDefined();
      void request;
    });

    it('should offer the aid to the need after the next in line when inventory refuses the next one', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const first = await aidNeed(iso, 'Paul Martin');
      const second = await aidNeed(iso, 'Anne Leroy');
      const third = await aidNeed(iso, 'Luc Bernard');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, first.needId);
      await statusOf(reservationId, 'held');
      await release(request, holdId, 'expired');
      const offeredTo = async (beneficiaryRef: string | null) =>
        eventually(async () => {
          const sent = await requests((d) => d.goodId === goodId && d.holderId === beneficiaryRef);
          expect(sent).toHaveLength(1);
          return sent[0]!;
        });
      const toSecond = await offeredTo(second.beneficiaryRef);

      await h.inventory.emit(InventoryHoldRejectedV1, {
        reservationId: toSecond.reservationId,
        goodId,
        reason: 'invalid-transition',
        message: 'the aid cannot be held now',
      });

      await expect(statusOf(toSecond.reservationId, 'rejected')).resolves.toMatchObject({
        offered: true,
      });
      const toThird = await offeredTo(third.beneficiaryRef);
      await expect(reservation(social.operator, toThird.reservationId)).resolves.toMatchObject({
        needId: third.needId,
        offered: true,
        status: 'requested',
      });
      // Offered once: the need inventory refused is not offered the aid again.
      expect(await requests((d) => d.goodId === goodId)).toHaveLength(3);
    });

    it('should not offer an aid that inventory took out of circulation', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const first = await aidNeed(iso);
      await aidNeed(iso, 'Anne Leroy');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, first.needId);
      await statusOf(reservationId, 'held');

      await release(request, holdId, 'recalled');

      await expect(statusOf(reservationId, 'released')).resolves.toMatchObject({
        endReason: 'recalled',
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await requests((d) => d.goodId === goodId)).toHaveLength(1);
    });
  });

  describe('cancellation', () => {
    it('should let a hold that comes after the cancellation go at once', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const { needId } = await aidNeed(iso);
      const { reservationId } = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId,
        needId,
      });
      const request = await requestSent(reservationId);

      const cancelled = await h.rpc.request(MatchingRpc.cancelReservation, {
        actor: social.operator,
        reservationId,
      });
      expect(cancelled).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
      // The staff of the aid's member refuse; they do not cancel for the person.
      expect(
        (
          await refusal(
            h.rpc.request(MatchingRpc.cancelReservation, { actor: staff, reservationId }),
          )
        ).code,
      ).toBe('forbidden');

      const holdId = await hold(request);

      await eventually(async () =>
        expect(await cancellations(reservationId)).toEqual([
          { reservationId, goodId, holdId: null, reason: 'cancelled' },
          { reservationId, goodId, holdId, reason: 'cancelled' },
        ]),
      );
      await expect(reservation(social.operator, reservationId)).resolves.toMatchObject({
        status: 'cancelled',
        holdId,
      });
    });

    it('should end the live reservations of a withdrawn need', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const { needId } = await aidNeed(iso);
      const { reservationId, holdId } = await reserveAndHold(goodId, needId);
      await statusOf(reservationId, 'held');

      await h.rpc.request(MatchingRpc.withdrawNeed, { actor: social.operator, needId });

      await expect(statusOf(reservationId, 'cancelled')).resolves.toMatchObject({
        endReason: 'need-closed',
      });
      expect(await cancellations(reservationId)).toEqual([
        { reservationId, goodId, holdId, reason: 'need-closed' },
      ]);
    });
  });

  describe('hand-over', () => {
    it('should end the reservation handed over and close the need it met', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const otherAid = await listedAid(iso);
      const { needId, beneficiaryRef } = await aidNeed(iso);
      const { reservationId, holdId } = await reserveAndHold(goodId, needId);
      const second = await reserveAndHold(otherAid, needId);
      await statusOf(reservationId, 'held');
      await h.rpc.request(MatchingRpc.approveReservation, { actor: staff, reservationId });

      const handOver = h.inventory.envelope(InventoryHoldHandedOverV1, {
        holdId,
        goodId,
        quantity: '1',
        beneficiaryRef: beneficiaryRef!,
        reservationId,
      });
      await h.inventory.publish(handOver);
      await h.inventory.publishAgain(handOver);

      await expect(statusOf(reservationId, 'handed-over')).resolves.toMatchObject({
        endReason: null,
      });
      await eventually(async () => {
        const need = await h.rpc.request(MatchingRpc.getNeed, { actor: social.operator, needId });
        expect(need.status).toBe('fulfilled');
      });
      expect(
        (await h.events(MatchingNeedClosedV1.subject)).filter(
          (e) => (e.data as { needId: string }).needId === needId,
        ),
      ).toHaveLength(1);
      // The other aid asked for the same person goes back.
      await expect(statusOf(second.reservationId, 'cancelled')).resolves.toMatchObject({
        endReason: 'need-closed',
      });
    });

    it('should confirm part of a lot with its hold, without an approval', async () => {
      const family = `tomettes ${randomUUID().slice(0, 6).replace(/\d/g, 'q')}`;
      const lot = await h.inventory.lot(village, { materialFamily: family, quantity: '30' });
      await eventually(() =>
        h.rpc.request(MatchingRpc.getCatalogueGood, { actor: h.coordinator, goodId: lot }),
      );
      const { needId } = await register(social.firm, { ...materialNeed(), materialFamily: family });
      const r = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.firm,
        goodId: lot,
        needId,
        quantity: '10',
      });

      await hold(await requestSent(r.reservationId), 'lot', 'm2');

      await expect(statusOf(r.reservationId, 'confirmed')).resolves.toMatchObject({
        approvalRequired: false,
        approval: null,
      });
      // The lot's firm follows who took part of it; another firm does not learn of it.
      const lotFirm: Actor = {
        userId: 'firm-lot',
        role: 'firm',
        organisationId: village.organisationId,
      };
      await expect(reservation(lotFirm, r.reservationId)).resolves.toMatchObject({ goodId: lot });
      const listed = await h.rpc.request(MatchingRpc.listReservations, {
        actor: lotFirm,
        goodId: lot,
      });
      expect(listed.reservations.map((x) => x.reservationId)).toEqual([r.reservationId]);
      const otherFirm = { ...lotFirm, organisationId: randomUUID() };
      expect((await refusal(reservation(otherFirm, r.reservationId))).code).toBe('not-found');
    });
  });

  describe('timeout', () => {
    it('should end a reservation inventory never answers, and let a late hold go', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const { needId } = await aidNeed(iso);
      const { reservationId } = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId,
        needId,
      });
      const request = await requestSent(reservationId);

      await expect(statusOf(reservationId, 'timed-out')).resolves.toMatchObject({
        endReason: 'timed-out',
      });
      const holdId = await hold(request);

      await eventually(async () =>
        expect((await cancellations(reservationId)).map((c) => [c.holdId, c.reason])).toEqual([
          [null, 'timed-out'],
          [holdId, 'timed-out'],
        ]),
      );
    });
  });

  describe('caps', () => {
    it('should refuse a beneficiary more live reservations than the cap, naming it, and count ended ones out', async () => {
      const iso = nextClass();
      const aids = [await listedAid(iso), await listedAid(iso), await listedAid(iso)];
      const { needId, beneficiaryRef } = await aidNeed(iso);
      const first = await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId: aids[0]!,
        needId,
      });
      await h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId: aids[1]!,
        needId,
      });

      const third = await refusal(
        h.rpc.request(MatchingRpc.requestReservation, {
          actor: social.operator,
          goodId: aids[2]!,
          needId,
        }),
      );

      expect(third.code).toBe('conflict');
      expect(third.message).toContain(
        `beneficiary ${beneficiaryRef} already has 2 live reservation(s)`,
      );
      await h.rpc.request(MatchingRpc.cancelReservation, {
        actor: social.operator,
        reservationId: first.reservationId,
      });
      await expect(
        h.rpc.request(MatchingRpc.requestReservation, {
          actor: social.operator,
          goodId: aids[2]!,
          needId,
        }),
      ).resolves.toMatchObject({ status: 'requested' });
    });

    it('should hold to the cap when a beneficiary asks for many at once, for several needs', async () => {
      const iso = nextClass();
      const aids = await Promise.all([1, 2, 3, 4, 5, 6].map(() => listedAid(iso)));
      const first = await aidNeed(iso);
      // Needs of one person, each locked on its own: only the cap's lock orders them.
      const needs = [first.needId];
      for (let i = 1; i < aids.length; i++)
        needs.push(
          (
            await register(social.operator, {
              ...aidNeedFor(),
              beneficiary: undefined,
              beneficiaryRef: first.beneficiaryRef,
              isoClass: iso,
            })
          ).needId,
        );

      const outcomes = await Promise.allSettled(
        aids.map((goodId, i) =>
          h.rpc.request(MatchingRpc.requestReservation, {
            actor: social.operator,
            goodId,
            needId: needs[i]!,
          }),
        ),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
      for (const o of outcomes.filter((o) => o.status === 'rejected'))
        expect(o.reason).toMatchObject({ code: 'conflict' });
    });
  });

  describe('waiting list', () => {
    const reserveOrWait = (goodId: string, needId: string) =>
      h.rpc.request(MatchingRpc.requestReservation, {
        actor: social.operator,
        goodId,
        needId,
        waitIfTaken: true,
      });

    it('should put those who wait on a taken aid in line, and ask for it again for the first when it comes back', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const holder = await aidNeed(iso, 'Paul Martin');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, holder.needId);
      await statusOf(reservationId, 'held');
      await availableIs(goodId, '0');
      const first = await aidNeed(iso, 'Anne Leroy');
      const second = await aidNeed(iso, 'Luc Bernard');

      const a = await reserveOrWait(goodId, first.needId);
      const b = await reserveOrWait(goodId, second.needId);

      expect([a.status, a.waitingPosition, b.status, b.waitingPosition]).toEqual([
        'waiting',
        1,
        'waiting',
        2,
      ]);
      // Waiting asks nothing of inventory.
      expect(await requests((d) => d.goodId === goodId)).toHaveLength(1);

      await release(request, holdId, 'expired');

      await expect(statusOf(a.reservationId, 'requested')).resolves.toMatchObject({
        waitingPosition: null,
        offered: false,
      });
      await requestSent(a.reservationId);
      await expect(reservation(social.operator, b.reservationId)).resolves.toMatchObject({
        status: 'waiting',
        waitingPosition: 1,
      });
      // The list came first: nobody else is offered it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await requests((d) => d.goodId === goodId)).toHaveLength(2);
    });

    it('should move a need forward when its priority is raised, and nobody else back but for that', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const holder = await aidNeed(iso);
      const { reservationId } = await reserveAndHold(goodId, holder.needId);
      await statusOf(reservationId, 'held');
      await availableIs(goodId, '0');
      const needs: string[] = [];
      for (const name of ['A', 'B', 'C', 'D']) needs.push((await aidNeed(iso, name)).needId);
      const waiting: string[] = [];
      for (const needId of needs) waiting.push((await reserveOrWait(goodId, needId)).reservationId);
      const positions = async () =>
        Promise.all(
          waiting.map(async (id) => (await reservation(h.coordinator, id)).waitingPosition),
        );
      expect(await positions()).toEqual([1, 2, 3, 4]);

      await h.rpc.request(MatchingRpc.setSocialPriority, {
        actor: h.coordinator,
        needId: needs[2]!,
        socialPriority: 2,
      });

      expect(await positions()).toEqual([2, 3, 1, 4]);
      // A newcomer joins at the back, whatever its priority.
      const late = await aidNeed(iso, 'E');
      await h.rpc.request(MatchingRpc.setSocialPriority, {
        actor: h.coordinator,
        needId: late.needId,
        socialPriority: 1,
      });
      const e = await reserveOrWait(goodId, late.needId);
      expect(e.waitingPosition).toBe(5);
      expect(await positions()).toEqual([2, 3, 1, 4]);
      // Set again or lowered, a priority keeps its place (ahead are lower ones it joined behind).
      for (const socialPriority of [1, 0])
        await h.rpc.request(MatchingRpc.setSocialPriority, {
          actor: h.coordinator,
          needId: late.needId,
          socialPriority,
        });
      expect((await reservation(h.coordinator, e.reservationId)).waitingPosition).toBe(5);
    });

    it('should keep the first place of one asked again and put back, and serve those waiting before a newcomer', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const holder = await aidNeed(iso, 'Paul Martin');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, holder.needId);
      await statusOf(reservationId, 'held');
      await availableIs(goodId, '0');
      const first = await reserveOrWait(goodId, (await aidNeed(iso, 'Anne Leroy')).needId);
      await release(request, holdId, 'expired');
      await statusOf(first.reservationId, 'requested');
      await availableIs(goodId, '1');

      // The aid shows as available, but it is promised to the one asked again.
      const newcomer = await reserveOrWait(goodId, (await aidNeed(iso, 'Luc Bernard')).needId);
      expect(newcomer).toMatchObject({ status: 'waiting', waitingPosition: 1 });
      await h.inventory.emit(InventoryHoldRejectedV1, {
        reservationId: first.reservationId,
        goodId,
        reason: 'insufficient-quantity',
        message: 'less than 1 unit is available',
      });

      await expect(statusOf(first.reservationId, 'waiting')).resolves.toMatchObject({
        waitingPosition: 1,
      });
      await expect(reservation(h.coordinator, newcomer.reservationId)).resolves.toMatchObject({
        waitingPosition: 2,
      });
    });

    it('should put one asked again and left unanswered back in its place, and take a late hold as its answer', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const holder = await aidNeed(iso, 'Paul Martin');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, holder.needId);
      await statusOf(reservationId, 'held');
      await availableIs(goodId, '0');
      const first = await reserveOrWait(goodId, (await aidNeed(iso, 'Anne Leroy')).needId);
      const second = await reserveOrWait(goodId, (await aidNeed(iso, 'Luc Bernard')).needId);
      await release(request, holdId, 'expired');
      await statusOf(first.reservationId, 'requested');
      const asked = await requestSent(first.reservationId);

      // Inventory stays away longer than matching waits for its answer.
      await expect(statusOf(first.reservationId, 'waiting')).resolves.toMatchObject({
        waitingPosition: 1,
        endReason: null,
      });
      await expect(reservation(h.coordinator, second.reservationId)).resolves.toMatchObject({
        waitingPosition: 2,
      });
      expect(await cancellations(first.reservationId)).toEqual([]);

      const late = await hold(asked);

      await expect(statusOf(first.reservationId, 'held')).resolves.toMatchObject({
        holdId: late,
        waitingPosition: null,
      });
      expect(await cancellations(first.reservationId)).toEqual([]);
      await expect(reservation(h.coordinator, second.reservationId)).resolves.toMatchObject({
        waitingPosition: 1,
      });
    });

    it('should end the waiting of those whose aid left for good, handed over or recalled, whoever held it', async () => {
      const iso = nextClass();
      const handedOver = await listedAid(iso);
      const recalled = await listedAid(iso);
      const holder = await aidNeed(iso, 'Paul Martin');
      const { reservationId, holdId } = await reserveAndHold(handedOver, holder.needId);
      await statusOf(reservationId, 'held');
      await h.rpc.request(MatchingRpc.approveReservation, { actor: staff, reservationId });
      // An operator's own hold in inventory, for nobody matching knows of.
      const operatorHold = randomUUID();
      await h.inventory.publish(
        h.inventory.moved(recalled, 'item', '1', at('available'), at('held')),
        h.inventory.envelope(InventoryHoldPlacedV1, {
          holdId: operatorHold,
          goodId: recalled,
          holderId: 'ben-counter',
          quantity: '1',
          unit: 'unit',
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          reservationId: null,
        }),
      );
      await availableIs(handedOver, '0');
      await availableIs(recalled, '0');
      const forHandedOver = await reserveOrWait(handedOver, (await aidNeed(iso, 'Anne')).needId);
      const forRecalled = await reserveOrWait(recalled, (await aidNeed(iso, 'Luc')).needId);
      expect([forHandedOver.status, forRecalled.status]).toEqual(['waiting', 'waiting']);

      await h.inventory.emit(InventoryHoldHandedOverV1, {
        holdId,
        goodId: handedOver,
        quantity: '1',
        beneficiaryRef: holder.beneficiaryRef!,
        reservationId,
      });
      await h.inventory.publish(
        h.inventory.envelope(InventoryHoldReleasedV1, {
          holdId: operatorHold,
          goodId: recalled,
          reason: 'recalled',
          reservationId: null,
        }),
        h.inventory.moved(recalled, 'item', '1', at('held'), at('quarantined')),
      );

      for (const r of [forHandedOver, forRecalled])
        await expect(statusOf(r.reservationId, 'expired')).resolves.toMatchObject({
          endReason: 'good-gone',
          waitingPosition: null,
        });
      // Nothing was ever asked of inventory for them.
      expect(await requests((d) => d.goodId === recalled)).toEqual([]);
    });

    it('should not put back on its list one asked again when the aid is handed over to someone else meanwhile', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const holder = await aidNeed(iso, 'Paul Martin');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, holder.needId);
      await statusOf(reservationId, 'held');
      await availableIs(goodId, '0');
      const first = await reserveOrWait(goodId, (await aidNeed(iso, 'Anne')).needId);
      const second = await reserveOrWait(goodId, (await aidNeed(iso, 'Luc')).needId);
      await release(request, holdId, 'expired');
      await statusOf(first.reservationId, 'requested');

      // Before inventory hears of that request, an operator hands the aid over at the counter.
      const counterHold = randomUUID();
      await h.inventory.publish(
        h.inventory.moved(goodId, 'item', '1', at('available'), at('held')),
        h.inventory.envelope(InventoryHoldPlacedV1, {
          holdId: counterHold,
          goodId,
          holderId: 'ben-counter',
          quantity: '1',
          unit: 'unit',
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          reservationId: null,
        }),
        h.inventory.envelope(InventoryHoldHandedOverV1, {
          holdId: counterHold,
          goodId,
          quantity: '1',
          beneficiaryRef: 'ben-counter',
          reservationId: null,
        }),
      );
      await expect(statusOf(second.reservationId, 'expired')).resolves.toMatchObject({
        endReason: 'good-gone',
      });
      await h.inventory.emit(InventoryHoldRejectedV1, {
        reservationId: first.reservationId,
        goodId,
        reason: 'insufficient-quantity',
        message: 'less than 1 unit is available',
      });

      // Refused, or unanswered in time should the refusal come late: ended either way.
      await eventually(async () =>
        expect(['rejected', 'timed-out']).toContain(
          (await reservation(h.coordinator, first.reservationId)).status,
        ),
      );
    });

    it('should end the waiting of those whose aid was quarantined while nobody held it, and not put back the one asked again', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const holder = await aidNeed(iso, 'Paul Martin');
      const { reservationId, request, holdId } = await reserveAndHold(goodId, holder.needId);
      await statusOf(reservationId, 'held');
      await availableIs(goodId, '0');
      const first = await reserveOrWait(goodId, (await aidNeed(iso, 'Anne')).needId);
      const second = await reserveOrWait(goodId, (await aidNeed(iso, 'Luc')).needId);
      await release(request, holdId, 'expired');
      await statusOf(first.reservationId, 'requested');

      // Before inventory hears of that request, a defect is found: no hold to let go, so no
      // release says the aid has left.
      await h.inventory.publish(
        h.inventory.moved(goodId, 'item', '1', at('available'), at('quarantined')),
      );
      await expect(statusOf(second.reservationId, 'expired')).resolves.toMatchObject({
        endReason: 'good-gone',
        waitingPosition: null,
      });
      await h.inventory.emit(InventoryHoldRejectedV1, {
        reservationId: first.reservationId,
        goodId,
        reason: 'invalid-transition',
        message: 'the aid is quarantined',
      });

      await eventually(async () =>
        expect(['rejected', 'timed-out']).toContain(
          (await reservation(h.coordinator, first.reservationId)).status,
        ),
      );
    });

    it('should end the waiting of those who ask more of a lot than can still come back, when part of it is diverted', async () => {
      const family = `tomettes ${randomUUID().slice(0, 6).replace(/\d/g, 'q')}`;
      const lot = await h.inventory.lot(village, { materialFamily: family, quantity: '30' });
      await availableIs(lot, '30');
      const firmAsking = async (quantity: string, waitIfTaken: boolean) => {
        const firm = h.member().firm;
        const { needId } = await register(firm, {
          ...materialNeed(),
          materialFamily: family,
          quantity,
        });
        return h.rpc.request(MatchingRpc.requestReservation, {
          actor: firm,
          goodId: lot,
          needId,
          quantity,
          waitIfTaken,
        });
      };
      const holder = await firmAsking('25', false);
      const request = await requestSent(holder.reservationId);
      const holdId = await hold(request, 'lot', 'm2');
      await statusOf(holder.reservationId, 'confirmed');
      await availableIs(lot, '5');
      const modest = await firmAsking('10', true);
      const greedy = await firmAsking('28', true);
      expect([modest.status, greedy.status]).toEqual(['waiting', 'waiting']);

      // The 5 m² still on offer go to recycling: 25 m² held may still come back.
      await h.inventory.publish(
        h.inventory.moved(lot, 'lot', '5', at('offered'), at('diverted'), 'm2'),
      );
      await expect(statusOf(greedy.reservationId, 'expired')).resolves.toMatchObject({
        endReason: 'good-gone',
      });
      await expect(reservation(h.coordinator, modest.reservationId)).resolves.toMatchObject({
        status: 'waiting',
        waitingPosition: 1,
      });

      // The hold runs out: what it held is asked for the one still waiting.
      await h.inventory.publish(
        h.inventory.envelope(InventoryHoldReleasedV1, {
          holdId,
          goodId: lot,
          reason: 'expired',
          reservationId: holder.reservationId,
        }),
        h.inventory.moved(lot, 'lot', '25', at('held'), at('offered'), 'm2'),
      );
      await statusOf(modest.reservationId, 'requested');
    });

    it('should ask for an aid back once for those waiting, when its listing comes before its release', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const holder = await aidNeed(iso, 'Paul Martin');
      const { reservationId, holdId } = await reserveAndHold(goodId, holder.needId);
      await statusOf(reservationId, 'held');
      await availableIs(goodId, '0');
      const first = await reserveOrWait(goodId, (await aidNeed(iso, 'Anne')).needId);
      const second = await reserveOrWait(goodId, (await aidNeed(iso, 'Luc')).needId);
      await h.inventory.publish(
        h.inventory.moved(goodId, 'item', '1', at('held'), at('available')),
      );
      await statusOf(first.reservationId, 'requested');

      await h.inventory.emit(InventoryHoldReleasedV1, {
        holdId,
        goodId,
        reason: 'expired',
        reservationId,
      });

      // Its release offers the aid again in the same transaction that ends the hold's reservation.
      await statusOf(reservationId, 'expired');
      await expect(reservation(h.coordinator, second.reservationId)).resolves.toMatchObject({
        status: 'waiting',
        waitingPosition: 1,
      });
    });

    it('should put a request inventory refused for want of stock on the waiting list', async () => {
      const iso = nextClass();
      const goodId = await listedAid(iso);
      const { needId } = await aidNeed(iso);
      const r = await reserveOrWait(goodId, needId);
      expect(r.status).toBe('requested');

      await h.inventory.emit(InventoryHoldRejectedV1, {
        reservationId: r.reservationId,
        goodId,
        reason: 'insufficient-quantity',
        message: 'less than 1 unit is available',
      });

      await expect(statusOf(r.reservationId, 'waiting')).resolves.toMatchObject({
        waitingPosition: 1,
        rejection: null,
      });
    });
  });

  describe('list', () => {
    it("should list a beneficiary's own reservations only, newest first, a page at a time", async () => {
      const iso = nextClass();
      const person = h.beneficiary();
      const goods = [await listedAid(iso), await listedAid(iso)];
      const { needId } = await register(person, { ...aidNeedFor(), isoClass: iso });
      const made = [];
      for (const goodId of goods)
        made.push(
          (await h.rpc.request(MatchingRpc.requestReservation, { actor: person, goodId, needId }))
            .reservationId,
        );

      const page1 = await h.rpc.request(MatchingRpc.listReservations, { actor: person, limit: 1 });
      const page2 = await h.rpc.request(MatchingRpc.listReservations, {
        actor: person,
        limit: 1,
        cursor: page1.nextCursor!,
      });

      expect([...page1.reservations, ...page2.reservations].map((r) => r.reservationId)).toEqual(
        made.reverse(),
      );
      expect(page2.nextCursor).toBeNull();
      const stranger = await h.rpc.request(MatchingRpc.listReservations, {
        actor: h.beneficiary(),
      });
      expect(stranger.reservations).toEqual([]);
    });
  });
});
