import { Inject, Injectable } from '@nestjs/common';
import {
  CollectionLotPickupUnplannedV1,
  CollectionPickupLateV1,
  CollectionPickupReminderDueV1,
} from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { SYSTEM_ACTOR } from '../common/actor.js';
import type { WindowJson } from '../database/schema.js';
import { PickupsRepository } from '../pickups/pickups.repository.js';
import { LOT_WARNING_MS, PickupsService } from '../pickups/pickups.service.js';
import { PlanRequests, type PlanRequest } from '../plans/plans.service.js';
import { FollowUpsRepository } from './followups.repository.js';

const DAY_MS = 86_400_000;

/** Thrown so that BullMQ tries again later: the job ran before its time (clocks disagree). */
export class NotYet extends Error {}

/**
 * What happens after a plan or a miss, each once: the reminder the day before, the
 * lateness alert, the reschedule of a missed pickup, a lot's warning two days before it
 * must be gone. Every one re-reads the pickup: a replan or a record may have made it moot.
 */
@Injectable()
export class FollowUpsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly pickups: PickupsRepository,
    private readonly pickupsService: PickupsService,
    private readonly followUps: FollowUpsRepository,
    private readonly plans: PlanRequests,
  ) {}

  async remind(pickupId: string, day: string): Promise<'reminded' | 'moot' | 'given'> {
    return inTransaction(this.orm, async (em) => {
      const pickup = await this.pickups.load(em, pickupId, { forUpdate: true });
      const place = pickup && (await this.pickups.placeInPlan(em, pickupId));
      if (!pickup || pickup.status !== 'scheduled' || place?.day !== day) return 'moot';
      if (!(await this.pickups.giveNotice(em, pickupId, 'reminder', day))) return 'given';
      await recordEvent(
        em,
        CollectionPickupReminderDueV1,
        {
          pickupId,
          organisationId: pickup.organisationId,
          donorRef: pickup.donorRef,
          day,
          eta: place.eta,
        },
        { actor: SYSTEM_ACTOR },
      );
      return 'reminded';
    });
  }

  async checkLate(pickupId: string, roundId: string): Promise<'late' | 'moot' | 'given'> {
    return inTransaction(this.orm, async (em) => {
      const stop = await this.followUps.pendingStop(em, pickupId, roundId);
      const pickup = stop && (await this.pickups.load(em, pickupId));
      if (!stop || !pickup || stop.roundStatus === 'completed') return 'moot';
      const etaMs = new Date(stop.eta).getTime();
      const window =
        pickup.windows.find(
          (w) => etaMs >= new Date(w.from).getTime() && etaMs <= new Date(w.until).getTime(),
        ) ?? pickup.windows[pickup.windows.length - 1]!;
      if (new Date(window.until).getTime() > Date.now())
        throw new NotYet(`stop ${pickupId} on ${roundId}: its window is still open`);
      if (!(await this.pickups.giveNotice(em, pickupId, 'late', roundId))) return 'given';
      await recordEvent(
        em,
        CollectionPickupLateV1,
        {
          pickupId,
          organisationId: pickup.organisationId,
          roundId,
          eta: stop.eta,
          windowUntil: window.until,
        },
        { actor: SYSTEM_ACTOR },
      );
      return 'late';
    });
  }

  /**
   * A missed pickup comes back to planning with its windows moved on by whole days (the
   * same hours, which the donor or member chose), past the backoff. A lot keeps only the
   * windows that still end by its mustBeGoneBy; with none left it is cancelled.
   */
  async reschedule(
    pickupId: string,
    attempt: number,
  ): Promise<'rescheduled' | 'cancelled' | 'moot'> {
    let replans: PlanRequest[] = [];
    const outcome = await inTransaction(this.orm, async (em) => {
      const pickup = await this.pickups.load(em, pickupId, { forUpdate: true });
      if (!pickup || pickup.status !== 'missed' || pickup.misses !== attempt)
        return 'moot' as const;
      const now = Date.now();
      const first = new Date(pickup.windows[0]!.from).getTime();
      const shiftDays = Math.max(1, Math.ceil((now - first) / DAY_MS));
      const windows: WindowJson[] = pickup.windows
        .map((w) => ({
          from: new Date(new Date(w.from).getTime() + shiftDays * DAY_MS).toISOString(),
          until: new Date(new Date(w.until).getTime() + shiftDays * DAY_MS).toISOString(),
        }))
        .filter(
          (w) =>
            new Date(w.until).getTime() > now &&
            (!pickup.lot || w.until <= pickup.lot.mustBeGoneBy),
        );
      if (windows.length === 0) {
        replans = await this.pickupsService.cancelIn(em, pickup, 'window-passed', {
          actor: SYSTEM_ACTOR,
        });
        return 'cancelled' as const;
      }
      replans = await this.pickupsService.reopen(em, pickup, windows);
      return 'rescheduled' as const;
    });
    await this.plans.enqueue(replans);
    return outcome;
  }

  async checkLot(pickupId: string): Promise<'warned' | 'moot' | 'given'> {
    return inTransaction(this.orm, async (em) => {
      const pickup = await this.pickups.load(em, pickupId);
      if (!pickup?.lot) return 'moot';
      if (new Date(pickup.lot.mustBeGoneBy).getTime() - LOT_WARNING_MS > Date.now() + 1_000)
        throw new NotYet(`pickup ${pickupId}: its lot's warning is not due yet`);
      if (pickup.status !== 'requested' && pickup.status !== 'missed') return 'moot';
      if (!(await this.pickups.giveNotice(em, pickupId, 'lot-unplanned', pickup.lot.goodId)))
        return 'given';
      await recordEvent(
        em,
        CollectionLotPickupUnplannedV1,
        {
          lotGoodId: pickup.lot.goodId,
          pickupId,
          organisationId: pickup.organisationId,
          mustBeGoneBy: pickup.lot.mustBeGoneBy,
        },
        { actor: SYSTEM_ACTOR },
      );
      return 'warned';
    });
  }
}
