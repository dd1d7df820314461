import {
  CollectionLotPickupUnplannedV1,
  CollectionPickupLateV1,
  CollectionPickupReminderDueV1,
  CollectionRpc,
} from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { parisDay } from '../src/common/paris-time.js';
import { FOLLOWUPS_QUEUE, rescheduleJobOptions } from '../src/followups/followups.jobs.js';
import { FollowUpsService } from '../src/followups/followups.service.js';
import {
  registerVan,
  requestHomePickup,
  requestLotPickup,
  startCollection,
  tomorrow,
  windowOn,
  type CollectionHarness,
  type Member,
} from './harness.js';

describe(FollowUpsService.name, () => {
  let h: CollectionHarness;
  let village: Member;
  let sut: FollowUpsService;

  beforeAll(async () => {
    // Reminders due from midnight the day before, lateness reported as a window ends.
    h = await startCollection({
      REMINDER_AT: '00:00',
      LATE_AFTER_MINUTES: '0',
      RESCHEDULE_BACKOFF_HOURS: '1',
    });
    village = h.member();
    sut = h.app.get(FollowUpsService);
    // Out all day, so that a window of today's is always within working hours.
    await registerVan(h, village.operator, {
      workFrom: '00:00',
      workUntil: '23:59',
      serviceMinutes: 1,
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  async function planAndWait(day: string) {
    const { requestedRevision } = await h.rpc.request(CollectionRpc.planDay, {
      actor: h.coordinator,
      day,
    });
    return eventually(async () => {
      const rounds = await h.rpc.request(CollectionRpc.listRounds, { actor: h.coordinator, day });
      expect(rounds.plannedRevision).toBeGreaterThanOrEqual(requestedRevision);
      return rounds;
    });
  }

  async function eventsOf(subject: string, pickupId: string) {
    return (await h.events(subject)).filter(
      (e) => (e.data as { pickupId?: string }).pickupId === pickupId,
    );
  }

  it('should remind the donor the day before a scheduled pickup, once', async () => {
    const { pickupId } = await requestHomePickup(h, village.operator);
    await planAndWait(tomorrow());

    await eventually(async () =>
      expect(await eventsOf(CollectionPickupReminderDueV1.subject, pickupId)).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({
            day: tomorrow(),
            donorRef: 'donor-42',
            eta: expect.any(String),
          }),
        }),
      ]),
    );
    expect(await sut.remind(pickupId, tomorrow())).toBe('given');
    expect(await eventsOf(CollectionPickupReminderDueV1.subject, pickupId)).toHaveLength(1);
  });

  it('should report a stop still pending when its window ends, once', async () => {
    const now = Date.now();
    const { pickupId } = await requestHomePickup(h, village.operator, {
      windows: [{ from: new Date(now).toISOString(), until: new Date(now + 1_500).toISOString() }],
    });
    const rounds = await planAndWait(parisDay());
    const round = rounds.rounds.find((r) => r.stops.some((s) => s.pickupId === pickupId))!;

    await eventually(async () =>
      expect(await eventsOf(CollectionPickupLateV1.subject, pickupId)).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ roundId: round.roundId }) }),
      ]),
    );
    expect(await sut.checkLate(pickupId, round.roundId)).toBe('given');
  });

  it('should offer a missed pickup again after a backoff that doubles with each miss', async () => {
    const day = tomorrow();
    const { pickupId } = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '09:00', '10:00')],
    });
    const rounds = await planAndWait(day);
    const round = rounds.rounds.find((r) => r.stops.some((s) => s.pickupId === pickupId))!;
    await h.rpc.request(CollectionRpc.assignDriver, {
      actor: village.operator,
      roundId: round.roundId,
      driverId: village.driver.userId,
    });

    const before = Date.now();
    await h.rpc.request(CollectionRpc.recordMissed, {
      actor: village.driver,
      roundId: round.roundId,
      pickupId,
      reason: 'nobody-there',
    });

    const queue = h.queue(FOLLOWUPS_QUEUE);
    const first = (await queue.getJob(rescheduleJobOptions(pickupId, 1, 0).jobId))!;
    expect(first.opts.attempts).toBeGreaterThan(1);
    expect(first.timestamp + first.opts.delay! - before).toBeGreaterThanOrEqual(3_600_000 - 5_000);
    expect(first.timestamp + first.opts.delay! - before).toBeLessThanOrEqual(3_600_000 + 60_000);
    // What the job does when its time comes: the same hours, on a later day, open to planning.
    expect(await sut.reschedule(pickupId, 1)).toBe('rescheduled');
    expect(await sut.reschedule(pickupId, 1)).toBe('moot');
    const pickup = await h.rpc.request(CollectionRpc.getPickup, {
      actor: village.operator,
      pickupId,
    });
    expect(pickup).toMatchObject({ status: 'requested', misses: 1 });
    const next = parisDay(new Date(pickup.windows[0]!.from));
    expect(pickup.windows).toEqual([windowOn(next, '09:00', '10:00')]);
    expect(next > day).toBe(true);

    const again = await planAndWait(next);
    const secondRound = again.rounds.find((r) => r.stops.some((s) => s.pickupId === pickupId))!;
    await h.rpc.request(CollectionRpc.recordMissed, {
      actor: village.operator,
      roundId: secondRound.roundId,
      pickupId,
      reason: 'no-access',
    });
    const second = (await queue.getJob(rescheduleJobOptions(pickupId, 2, 0).jobId))!;
    expect(second.opts.delay!).toBeGreaterThanOrEqual(2 * 3_600_000 - 5_000);
    await queue.remove(first.id!);
    await queue.remove(second.id!);
  });

  it("should warn once when a lot's pickup is on no round two days before it must be gone", async () => {
    const mustBeGoneBy = new Date(Date.now() + 30 * 3_600_000).toISOString();
    const { pickupId } = await requestLotPickup(h, village.firm, mustBeGoneBy, {
      windows: [{ from: new Date().toISOString(), until: mustBeGoneBy }],
      skills: ['pallet-jack'],
    });

    await eventually(async () =>
      expect(await eventsOf(CollectionLotPickupUnplannedV1.subject, pickupId)).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({ organisationId: village.organisationId, mustBeGoneBy }),
        }),
      ]),
    );
    expect(await sut.checkLot(pickupId)).toBe('given');
  });

  it("should not warn about a lot's pickup that is on a round", async () => {
    // Tomorrow's first van is out already (a miss recorded on its round started it).
    await registerVan(h, village.operator);
    const mustBeGoneBy = windowOn(tomorrow(), '18:00', '19:00').from;
    const { pickupId } = await requestLotPickup(h, village.firm, mustBeGoneBy, {
      windows: [windowOn(tomorrow(), '09:00', '12:00')],
    });
    await planAndWait(tomorrow());
    const pickup = await h.rpc.request(CollectionRpc.getPickup, { actor: village.firm, pickupId });
    expect(pickup.status).toBe('scheduled');

    expect(await sut.checkLot(pickupId)).toBe('moot');
  });
});
