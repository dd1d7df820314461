import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import {
  CollectionPointScheduleChangedV1,
  type GetPointV1,
  type PointViewV1,
  type RegisterPointV1,
  type ReportFillV1,
  type SetPointScheduleV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor, owningOrganisation, SYSTEM_ACTOR } from '../common/actor.js';
import { notFound } from '../common/errors.js';
import { addDays, isoWeekday, parisDay, parisInstant, weeksBetween } from '../common/paris-time.js';
import { COLLECTION_CONFIG, type CollectionConfig } from '../config/collection.config.js';
import type { NewPickup } from '../pickups/pickup.js';
import { PickupsRepository } from '../pickups/pickups.repository.js';
import { PickupsService } from '../pickups/pickups.service.js';
import type { PlanRequest } from '../plans/plans.service.js';
import { POINTS_QUEUE, type OpenScheduledPayload } from './points.jobs.js';
import { PointsRepository, type Point } from './points.repository.js';
import { applySchedule } from './points.scheduling.js';

type PointView = z.input<typeof PointViewV1>;

/**
 * Collection points: a shop's glass every Tuesday, a business's cardboard fortnightly, or
 * a pickup when the crates are full. A schedule lives in the database; its BullMQ
 * scheduler follows it through the schedule-changed event, once per change (never from
 * every replica at start).
 */
@Injectable()
export class PointsService {
  private readonly logger = new Logger(PointsService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly points: PointsRepository,
    private readonly pickups: PickupsService,
    private readonly pickupsRepository: PickupsRepository,
    @InjectQueue(POINTS_QUEUE) private readonly queue: Queue<OpenScheduledPayload>,
    @Inject(COLLECTION_CONFIG) private readonly config: CollectionConfig,
  ) {}

  async register(cmd: z.output<typeof RegisterPointV1>): Promise<{ pointId: string }> {
    const organisationId = owningOrganisation(cmd.actor, cmd.organisationId);
    const id = randomUUID();
    return inTransaction(this.orm, async (em) => {
      await this.points.insert(em, {
        id,
        organisationId,
        name: cmd.name,
        kind: cmd.kind,
        address: cmd.address,
        position: cmd.position,
        locality: cmd.locality,
        expectedLoad: cmd.expectedLoad,
        skills: [...new Set(cmd.skills)],
        goods: cmd.goods,
        deliverTo: cmd.deliverTo,
        threshold: cmd.threshold
          ? {
              fullCrates: cmd.threshold.fullCrates ?? null,
              fillPercent: cmd.threshold.fillPercent ?? null,
            }
          : null,
        thresholdWindowHours: cmd.thresholdWindowHours,
        actor: cmd.actor,
      });
      return { pointId: id };
    });
  }

  async get(query: z.output<typeof GetPointV1>): Promise<PointView> {
    const point = await this.points.load(this.orm.em.fork(), query.pointId);
    if (!point) throw notFound('collection point', query.pointId);
    assertActsFor(query.actor, point.organisationId, `collection point ${point.id}`);
    return view(point);
  }

  async setSchedule(
    cmd: z.output<typeof SetPointScheduleV1>,
  ): Promise<{ pointId: string; scheduleRevision: number }> {
    return inTransaction(this.orm, async (em) => {
      const point = await this.points.load(em, cmd.pointId, true);
      if (!point) throw notFound('collection point', cmd.pointId);
      assertActsFor(cmd.actor, point.organisationId, `collection point ${point.id}`);
      const schedule = cmd.schedule && {
        ...cmd.schedule,
        weekdays: [...cmd.schedule.weekdays].sort((a, b) => a - b),
      };
      const revision = await this.points.setSchedule(em, point.id, schedule);
      await recordEvent(
        em,
        CollectionPointScheduleChangedV1,
        { pointId: point.id, organisationId: point.organisationId, revision, schedule },
        { actor: cmd.actor },
      );
      return { pointId: point.id, scheduleRevision: revision };
    });
  }

  /**
   * The consumer of schedule-changed events, in its transaction: the scheduler is made to
   * say what the point's schedule says now (not what the event said: an older event
   * applied late then cannot undo a newer change), under a lock per point.
   */
  async applyScheduler(em: EntityManager, pointId: string): Promise<void> {
    await this.points.lockScheduler(em, pointId);
    const point = await this.points.load(em, pointId);
    if (!point) return;
    const outcome = await applySchedule(
      this.queue,
      { id: point.id, schedule: point.schedule, revision: point.scheduleRevision },
      this.config.SCHEDULED_PICKUPS_AT,
    );
    this.logger.log(
      `point ${point.id}: scheduler ${outcome} at revision ${point.scheduleRevision}`,
    );
  }

  /**
   * A shop reports its full crates or fill level. Reaching the threshold opens one pickup:
   * the insert comes first and the database's unique index on a point's open threshold
   * pickup decides between two reports racing, the loser finding the winner's.
   */
  async reportFill(
    cmd: z.output<typeof ReportFillV1>,
  ): Promise<{ pointId: string; thresholdReached: boolean; pickupId: string | null }> {
    let opened: NewPickup | undefined;
    let replans: PlanRequest[] = [];
    // The transaction's result is the command's answer; the rest goes out through variables.
    const answer = await inTransaction(this.orm, async (em) => {
      const point = await this.points.load(em, cmd.pointId);
      if (!point) throw notFound('collection point', cmd.pointId);
      assertActsFor(cmd.actor, point.organisationId, `collection point ${point.id}`);
      const reached =
        point.threshold !== null &&
        ((point.threshold.fullCrates !== null &&
          cmd.fullCrates !== undefined &&
          cmd.fullCrates >= point.threshold.fullCrates) ||
          (point.threshold.fillPercent !== null &&
            cmd.fillPercent !== undefined &&
            cmd.fillPercent >= point.threshold.fillPercent));
      let pickupId: string | null = null;
      if (reached) {
        const now = Date.now();
        const pickup = pickupAt(point, 'threshold', [
          {
            from: new Date(now).toISOString(),
            until: new Date(now + point.thresholdWindowHours * 3_600_000).toISOString(),
          },
        ]);
        pickup.actor = cmd.actor;
        replans = await this.pickups.open(em, pickup, { actor: cmd.actor }, true);
        const existing = await this.pickupsRepository.openThresholdPickup(em, point.id);
        if (existing === pickup.id) opened = pickup;
        pickupId = existing ?? null;
      }
      await this.points.setLastFill(em, point.id, {
        fullCrates: cmd.fullCrates ?? null,
        fillPercent: cmd.fillPercent ?? null,
      });
      return { pointId: point.id, thresholdReached: reached, pickupId };
    });
    if (opened) await this.pickups.afterOpening(opened, replans);
    return answer;
  }

  /**
   * Run by the point's scheduler the day before a collection day: opens that day's pickup,
   * once (a unique index per point and day), on the weeks the schedule collects.
   */
  async openScheduled(
    pointId: string,
    firedAt: Date,
  ): Promise<'opened' | 'exists' | 'off-week' | 'no-schedule' | 'past'> {
    let opened: NewPickup | undefined;
    const { outcome, replans } = await inTransaction(this.orm, async (em) => {
      const point = await this.points.load(em, pointId, true);
      const schedule = point?.schedule;
      if (!point || !schedule) return { outcome: 'no-schedule' as const, replans: [] };
      const day = addDays(parisDay(firedAt), 1);
      const collects =
        schedule.weekdays.includes(isoWeekday(day)) &&
        day >= schedule.startingOn &&
        weeksBetween(schedule.startingOn, day) % schedule.everyWeeks === 0;
      if (!collects) return { outcome: 'off-week' as const, replans: [] };
      const until = parisInstant(day, schedule.windowUntil);
      if (until.getTime() <= Date.now()) return { outcome: 'past' as const, replans: [] };
      const pickup = pickupAt(point, 'schedule', [
        { from: parisInstant(day, schedule.windowFrom).toISOString(), until: until.toISOString() },
      ]);
      pickup.occurrenceDay = day;
      const replans = await this.pickups.open(em, pickup, { actor: SYSTEM_ACTOR }, true);
      const mine = await this.pickupsRepository.load(em, pickup.id);
      if (mine) opened = pickup;
      return { outcome: mine ? ('opened' as const) : ('exists' as const), replans };
    });
    if (opened) await this.pickups.afterOpening(opened, replans);
    return outcome;
  }
}

/** A pickup at the point, as its registration describes one. */
function pickupAt(
  point: Point,
  origin: 'schedule' | 'threshold',
  windows: { from: string; until: string }[],
): NewPickup {
  return {
    id: randomUUID(),
    organisationId: point.organisationId,
    kind: point.kind,
    mode: point.kind === 'shop' ? 'shop' : 'pickup',
    origin,
    pointId: point.id,
    occurrenceDay: null,
    address: point.address,
    position: point.position,
    locality: point.locality,
    donorRef: null,
    windows,
    expectedLoad: point.expectedLoad,
    skills: point.skills,
    goods: point.goods,
    deliverTo: point.deliverTo,
    lot: null,
    actor: SYSTEM_ACTOR,
  };
}

function view(point: Point): PointView {
  return {
    pointId: point.id,
    organisationId: point.organisationId,
    name: point.name,
    kind: point.kind,
    address: point.address,
    position: point.position,
    locality: point.locality,
    expectedLoad: point.expectedLoad,
    skills: point.skills as PointView['skills'],
    deliverTo: point.deliverTo,
    threshold: point.threshold,
    schedule: point.schedule,
    scheduleRevision: point.scheduleRevision,
    lastFill: point.lastFill,
  };
}
