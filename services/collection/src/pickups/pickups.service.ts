import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import {
  CollectionPickupCancelledV1,
  CollectionPickupRequestedV1,
  type Actor,
  type CancelPickupV1,
  type GetPickupV1,
  type ListPickupsV1,
  type PickupViewV1,
  type RequestPickupV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent, type EventContext } from '@boucle/messaging';
import { jobCorrelation } from '@boucle/service';
import { assertActsFor, memberScope, owningOrganisation } from '../common/actor.js';
import { invalidTransition, notFound, validation } from '../common/errors.js';
import { parisDayBounds } from '../common/paris-time.js';
import type { WindowJson } from '../database/schema.js';
import {
  checkLotJobOptions,
  FOLLOWUPS_QUEUE,
  FollowUpJob,
  type CheckLotPayload,
} from '../followups/followups.jobs.js';
import { PlanRequests, type PlanRequest } from '../plans/plans.service.js';
import { modeOf, OPEN_STATUSES, type NewPickup, type Pickup } from './pickup.js';
import { PickupsRepository } from './pickups.repository.js';
import { daysOf, normaliseWindows } from './windows.js';

/** How long before a lot's mustBeGoneBy a pickup still on no round is reported. */
export const LOT_WARNING_MS = 2 * 86_400_000;

type PickupView = z.input<typeof PickupViewV1>;

/**
 * Pickup requests: who asks, where, when, what load and which handling needs. A change
 * to a day already planned asks for that day's plan again.
 */
@Injectable()
export class PickupsService {
  private readonly logger = new Logger(PickupsService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly pickups: PickupsRepository,
    private readonly plans: PlanRequests,
    @InjectQueue(FOLLOWUPS_QUEUE) private readonly followups: Queue<CheckLotPayload>,
  ) {}

  async request(
    cmd: z.output<typeof RequestPickupV1>,
  ): Promise<{ pickupId: string; status: 'requested' }> {
    const organisationId = owningOrganisation(cmd.actor, cmd.organisationId);
    if ((cmd.kind === 'construction-site') !== (cmd.lot !== undefined)) {
      throw cmd.lot
        ? validation('lot', "only a construction site's pickup names a lot")
        : validation('lot', "a construction site's pickup names its lot and its mustBeGoneBy");
    }
    const now = new Date();
    if (cmd.lot && new Date(cmd.lot.mustBeGoneBy) <= now)
      throw validation('lot.mustBeGoneBy', 'is already past: the lot is gone');
    const windows = normaliseWindows(cmd.windows, now, cmd.lot?.mustBeGoneBy);
    const pickup: NewPickup = {
      id: randomUUID(),
      organisationId,
      kind: cmd.kind,
      mode: modeOf(cmd.kind),
      origin: 'request',
      pointId: null,
      occurrenceDay: null,
      address: cmd.address,
      position: cmd.position,
      locality: cmd.locality,
      donorRef: cmd.donorRef ?? null,
      windows,
      expectedLoad: cmd.expectedLoad,
      skills: [...new Set(cmd.skills)],
      goods: cmd.goods,
      deliverTo: cmd.deliverTo,
      lot: cmd.lot
        ? { goodId: cmd.lot.goodId, mustBeGoneBy: new Date(cmd.lot.mustBeGoneBy).toISOString() }
        : null,
      actor: cmd.actor,
    };
    // The transaction's result is the command's answer (kept for its retries): the
    // replans it asked for go out through this variable.
    let replans: PlanRequest[] = [];
    const answer = await inTransaction(this.orm, async (em) => {
      replans = await this.open(em, pickup, { actor: cmd.actor });
      return { pickupId: pickup.id, status: 'requested' as const };
    });
    await this.afterOpening(pickup, replans);
    return answer;
  }

  /**
   * Opens a pickup in the caller's transaction, with its event; `ifAbsent` lets the
   * database's guards (one open threshold pickup per point, one pickup per scheduled day)
   * decide, returning null when one exists already. The caller runs `afterOpening` once
   * committed.
   */
  async open(
    em: EntityManager,
    pickup: NewPickup,
    context: EventContext,
    ifAbsent = false,
  ): Promise<PlanRequest[]> {
    const inserted = await this.pickups.insert(em, pickup, ifAbsent);
    if (!inserted) return [];
    await recordEvent(
      em,
      CollectionPickupRequestedV1,
      {
        pickupId: pickup.id,
        organisationId: pickup.organisationId,
        kind: pickup.kind,
        mode: pickup.mode,
        origin: pickup.origin,
        pointId: pickup.pointId,
        locality: pickup.locality,
        windows: pickup.windows,
        expectedLoad: pickup.expectedLoad,
        skills: pickup.skills as z.input<typeof CollectionPickupRequestedV1.schema>['skills'],
        deliverTo: pickup.deliverTo,
        lot: pickup.lot,
      },
      context,
    );
    return this.plans.replanIfPlanned(em, daysOf(pickup.windows));
  }

  /** Once committed: replans of the days it touches, and a lot's warning two days before it must be gone. */
  async afterOpening(pickup: NewPickup, replans: readonly PlanRequest[]): Promise<void> {
    await this.plans.enqueue(replans);
    if (!pickup.lot) return;
    const warnAt = new Date(pickup.lot.mustBeGoneBy).getTime() - LOT_WARNING_MS;
    try {
      await this.followups.add(
        FollowUpJob.checkLot,
        { pickupId: pickup.id, ...jobCorrelation() },
        checkLotJobOptions(pickup.id, warnAt - Date.now()),
      );
    } catch (error) {
      this.logger.error(
        `could not schedule the lot check of pickup ${pickup.id}: ${String(error)}`,
      );
    }
  }

  async get(query: z.output<typeof GetPickupV1>): Promise<PickupView> {
    const em = this.orm.em.fork();
    const pickup = await this.pickups.load(em, query.pickupId);
    if (!pickup) throw notFound('pickup', query.pickupId);
    await this.assertMayRead(em, query.actor, pickup);
    return this.view(em, pickup);
  }

  async list(query: z.output<typeof ListPickupsV1>): Promise<{ pickups: PickupView[] }> {
    const em = this.orm.em.fork();
    const bounds = query.day ? parisDayBounds(query.day) : undefined;
    const pickups = await this.pickups.list(em, {
      organisationId: memberScope(query.actor, query.organisationId),
      ...(query.status && { status: query.status }),
      ...(bounds && {
        overlapping: { from: bounds.start.toISOString(), until: bounds.end.toISOString() },
      }),
      limit: query.limit,
    });
    return { pickups: await Promise.all(pickups.map((p) => this.view(em, p))) };
  }

  async cancel(
    cmd: z.output<typeof CancelPickupV1>,
  ): Promise<{ pickupId: string; status: 'cancelled' }> {
    let replans: PlanRequest[] = [];
    const answer = await inTransaction(this.orm, async (em) => {
      const pickup = await this.pickups.load(em, cmd.pickupId, { forUpdate: true });
      if (!pickup) throw notFound('pickup', cmd.pickupId);
      assertActsFor(cmd.actor, pickup.organisationId, `pickup ${pickup.id}`);
      replans = await this.cancelIn(em, pickup, 'requested', { actor: cmd.actor });
      return { pickupId: cmd.pickupId, status: 'cancelled' as const };
    });
    await this.plans.enqueue(replans);
    return answer;
  }

  /** Cancels a locked open pickup in the caller's transaction: off its round, its day replanned. */
  async cancelIn(
    em: EntityManager,
    pickup: Pickup,
    reason: z.input<typeof CollectionPickupCancelledV1.schema>['reason'],
    context: EventContext,
  ): Promise<PlanRequest[]> {
    if (!OPEN_STATUSES.includes(pickup.status))
      throw invalidTransition(`pickup ${pickup.id}`, pickup.status, 'cancelled', []);
    const day = await this.pickups.leavePendingStop(em, pickup.id);
    await this.pickups.setStatus(em, pickup.id, 'cancelled', { cancelReason: reason });
    await recordEvent(
      em,
      CollectionPickupCancelledV1,
      { pickupId: pickup.id, organisationId: pickup.organisationId, reason },
      context,
    );
    return day ? [await this.plans.request(em, day)] : [];
  }

  /** Moves a pickup's windows (a reschedule) and offers it to planning again. */
  async reopen(em: EntityManager, pickup: Pickup, windows: WindowJson[]): Promise<PlanRequest[]> {
    await this.pickups.setWindows(em, pickup.id, windows);
    return this.plans.replanIfPlanned(em, daysOf(windows));
  }

  /**
   * A member's people read their own pickups; a driver those on the rounds given to them;
   * the coordinator all. Anything else is answered as not found.
   */
  private async assertMayRead(em: EntityManager, actor: Actor, pickup: Pickup): Promise<void> {
    if (actor.role === 'driver') {
      if (!(await this.pickups.onDriversRound(em, pickup.id, actor.userId)))
        throw notFound('pickup', pickup.id);
      return;
    }
    assertActsFor(actor, pickup.organisationId, `pickup ${pickup.id}`);
  }

  private async view(em: EntityManager, pickup: Pickup): Promise<PickupView> {
    return {
      pickupId: pickup.id,
      organisationId: pickup.organisationId,
      kind: pickup.kind,
      mode: pickup.mode,
      origin: pickup.origin,
      status: pickup.status,
      pointId: pickup.pointId,
      address: pickup.address,
      position: pickup.position,
      locality: pickup.locality,
      donorRef: pickup.donorRef,
      windows: pickup.windows,
      expectedLoad: pickup.expectedLoad,
      skills: pickup.skills as PickupView['skills'],
      goods: pickup.goods as PickupView['goods'],
      deliverTo: pickup.deliverTo,
      lot: pickup.lot,
      plan: await this.pickups.placeInPlan(em, pickup.id),
      unplannedReason: pickup.unplannedReason as PickupView['unplannedReason'],
      misses: pickup.misses,
      createdAt: pickup.createdAt,
    };
  }
}
