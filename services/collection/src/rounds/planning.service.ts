import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import {
  CollectionPickupScheduledV1,
  CollectionPickupUnplannedV1,
  CollectionRoundPlannedV1,
  type PlanDayV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { addDays, parisDay, parisDayBounds, parisInstant } from '../common/paris-time.js';
import { FollowUpsScheduler, type ScheduledStop } from '../followups/followups.scheduler.js';
import type { Pickup } from '../pickups/pickup.js';
import { PickupsRepository } from '../pickups/pickups.repository.js';
import { PlansRepository } from '../plans/plans.repository.js';
import { PlanRequests } from '../plans/plans.service.js';
import { VehiclesRepository, type Vehicle } from '../vehicles/vehicles.repository.js';
import {
  checkPlan,
  ROUND_PLANNER,
  type PlanningProblem,
  type PlanningResult,
  type RoundPlanner,
  type UnplannedReason,
} from './planner.js';
import { RoundsRepository } from './rounds.repository.js';

export type PlanOutcome = 'planned' | 'superseded' | 'up-to-date';

/**
 * A day's plan: the pickups with a window on the day go to the vehicles not yet out on a
 * round of theirs. The planner runs outside any transaction (it may take seconds); the
 * answer is written in one, under the day's lock, and only if no newer plan of the day
 * was written meanwhile. Stops already done, and rounds already started, never move.
 */
@Injectable()
export class PlanningService {
  private readonly logger = new Logger(PlanningService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(ROUND_PLANNER) private readonly planner: RoundPlanner,
    private readonly plans: PlansRepository,
    private readonly planRequests: PlanRequests,
    private readonly rounds: RoundsRepository,
    private readonly pickups: PickupsRepository,
    private readonly vehicles: VehiclesRepository,
    private readonly followUps: FollowUpsScheduler,
  ) {}

  /** The request: a new revision of the day, planned by a job. */
  async request(
    cmd: z.output<typeof PlanDayV1>,
  ): Promise<{ day: string; requestedRevision: number }> {
    const answer = await inTransaction(this.orm, async (em) => {
      const { revision } = await this.planRequests.request(em, cmd.day);
      return { day: cmd.day, requestedRevision: revision };
    });
    await this.planRequests.enqueue([{ day: answer.day, revision: answer.requestedRevision }]);
    return answer;
  }

  /** The nightly job: the next Paris day is planned. */
  async requestNextDay(now = new Date()): Promise<{ day: string; revision: number }> {
    const day = addDays(parisDay(now), 1);
    const request = await inTransaction(this.orm, (em) => this.planRequests.request(em, day));
    await this.planRequests.enqueue([request]);
    return request;
  }

  async planDay(day: string, revision: number, signal?: AbortSignal): Promise<PlanOutcome> {
    const read = this.orm.em.fork();
    const plan = await this.plans.find(read, day);
    if (!plan || plan.plannedRevision >= revision) return 'up-to-date';
    // A newer request has its own job: this one would only be overwritten.
    if (plan.requestedRevision > revision) return 'superseded';
    const { problem, pickups } = await this.problemOf(read, day);
    const result = await this.planner.plan(problem, signal);
    const problems = checkPlan(problem, result);
    if (problems.length > 0)
      throw new Error(
        `the planner's answer for ${day} breaks the rules: ${problems.slice(0, 5).join('; ')}`,
      );
    const written = await inTransaction(this.orm, (em) =>
      this.write(em, day, revision, problem, result, pickups),
    );
    if (written === 'superseded') return 'superseded';
    await this.followUps.afterPlan(written);
    return 'planned';
  }

  /**
   * The day as a planner sees it: the vehicles not out on a round, the pickups the day's
   * plan may take, and where each stands now. A stop moved by hand is checked on it too.
   */
  async problemOf(
    em: EntityManager,
    day: string,
  ): Promise<{ problem: PlanningProblem; pickups: Map<string, Pickup> }> {
    const { start, end } = parisDayBounds(day);
    const bounds = { start: start.toISOString(), end: end.toISOString() };
    const roundsOfDay = await this.rounds.ofDay(em, day);
    const busy = new Set(roundsOfDay.filter((r) => r.status !== 'planned').map((r) => r.vehicleId));
    const vehicles = (await this.vehicles.list(em, null)).filter((v) => !busy.has(v.id));
    const ids = await this.rounds.plannablePickupIds(em, day, bounds);
    const pickups = new Map((await this.pickups.loadMany(em, ids)).map((p) => [p.id, p]));
    const open = roundsOfDay.filter((r) => r.status === 'planned');
    const vehicleOf = new Map(open.map((r) => [r.id, r.vehicleId]));
    const previous = new Map(open.map((r) => [r.vehicleId, [] as string[]]));
    for (const stop of await this.rounds.stops(
      em,
      open.map((r) => r.id),
    ))
      if (stop.status === 'pending' && pickups.has(stop.pickupId))
        previous.get(vehicleOf.get(stop.roundId)!)!.push(stop.pickupId);
    const problem: PlanningProblem = {
      day,
      previous: [...previous].map(([vehicleId, stops]) => ({ vehicleId, stops })),
      vehicles: vehicles.map((v) => vehicleOnDay(v, day)),
      stops: [...pickups.values()].map((p) => ({
        id: p.id,
        position: p.position,
        windows: p.windows
          .map((w) => ({
            from: Math.max(new Date(w.from).getTime(), start.getTime()),
            until: Math.min(new Date(w.until).getTime(), end.getTime()),
          }))
          .filter((w) => w.until > w.from),
        demand: p.expectedLoad,
        skills: p.skills,
      })),
    };
    return { problem, pickups };
  }

  private async write(
    em: EntityManager,
    day: string,
    revision: number,
    problem: PlanningProblem,
    result: PlanningResult,
    pickups: Map<string, Pickup>,
  ): Promise<ScheduledStop[] | 'superseded'> {
    const plan = await this.plans.find(em, day, true);
    if (!plan || plan.plannedRevision >= revision) return 'superseded';
    const { start, end } = parisDayBounds(day);
    // What may still be planned, locked in id order (every path locks pickups so).
    const still = new Set(
      await this.rounds.plannablePickupIds(em, day, {
        start: start.toISOString(),
        end: end.toISOString(),
      }),
    );
    const locked = new Map(
      (
        await this.pickups.loadMany(
          em,
          [...pickups.keys()].filter((id) => still.has(id)),
          true,
        )
      ).map((p) => [p.id, p]),
    );
    const roundsOfDay = await this.rounds.ofDay(em, day, true);
    const open = new Map(
      roundsOfDay.filter((r) => r.status === 'planned').map((r) => [r.vehicleId, r]),
    );
    const previous = new Map(
      (
        await this.rounds.stops(
          em,
          [...open.values()].map((r) => r.id),
        )
      )
        .filter((s) => s.status === 'pending')
        .map((s) => [s.pickupId, s]),
    );
    await this.rounds.clearPending(
      em,
      [...open.values()].map((r) => r.id),
    );

    const vehicleOrg = new Map(
      (await this.vehicles.list(em, null)).map((v) => [v.id, v.organisationId]),
    );
    const placed = new Set<string>();
    const scheduled: ScheduledStop[] = [];
    for (const planned of result.rounds) {
      const existing = open.get(planned.vehicleId);
      // A round that started since the problem was read keeps what it has.
      if (!existing && roundsOfDay.some((r) => r.vehicleId === planned.vehicleId)) continue;
      const stops = planned.stops.filter((s) => locked.has(s.id));
      if (!existing && stops.length === 0) continue;
      const organisationId = vehicleOrg.get(planned.vehicleId)!;
      const roundId = await this.rounds.upsert(em, {
        id: existing?.id ?? randomUUID(),
        day,
        vehicleId: planned.vehicleId,
        organisationId,
        revision,
        distanceKm: planned.distanceKm,
      });
      open.delete(planned.vehicleId);
      const rows = stops.map((s, index) => ({
        pickupId: s.id,
        sequence: index + 1,
        eta: new Date(s.eta).toISOString(),
      }));
      await this.rounds.insertStops(em, roundId, rows);
      for (const row of rows) {
        const pickup = locked.get(row.pickupId)!;
        placed.add(pickup.id);
        const before = previous.get(pickup.id);
        await this.pickups.setStatus(em, pickup.id, 'scheduled', { unplannedReason: null });
        if (
          !before ||
          before.roundId !== roundId ||
          before.sequence !== row.sequence ||
          before.eta !== row.eta
        ) {
          await recordEvent(
            em,
            CollectionPickupScheduledV1,
            {
              pickupId: pickup.id,
              organisationId: pickup.organisationId,
              day,
              roundId,
              vehicleId: planned.vehicleId,
              sequence: row.sequence,
              eta: row.eta,
            },
            { actor: SYSTEM_ACTOR },
          );
        }
        scheduled.push({ pickup, roundId, day, eta: row.eta });
      }
      await recordEvent(
        em,
        CollectionRoundPlannedV1,
        {
          roundId,
          day,
          vehicleId: planned.vehicleId,
          organisationId,
          planRevision: revision,
          distanceKm: Math.round(planned.distanceKm * 1000) / 1000,
          stops: rows,
        },
        { actor: SYSTEM_ACTOR },
      );
    }
    // Rounds the planner left empty this time: planned again, with no stops.
    for (const round of open.values()) {
      await this.rounds.upsert(em, { ...round, revision, distanceKm: 0 });
      await recordEvent(
        em,
        CollectionRoundPlannedV1,
        {
          roundId: round.id,
          day,
          vehicleId: round.vehicleId,
          organisationId: round.organisationId,
          planRevision: revision,
          distanceKm: 0,
          stops: [],
        },
        { actor: SYSTEM_ACTOR },
      );
    }
    const reasons = new Map(result.unplanned.map((u) => [u.id, u.reason]));
    for (const pickup of locked.values()) {
      if (placed.has(pickup.id)) continue;
      const reason: UnplannedReason = reasons.get(pickup.id) ?? 'fleet-exhausted';
      await this.pickups.setStatus(em, pickup.id, 'requested', { unplannedReason: reason });
      if (pickup.unplannedReason !== reason || pickup.status === 'scheduled') {
        await recordEvent(
          em,
          CollectionPickupUnplannedV1,
          { pickupId: pickup.id, organisationId: pickup.organisationId, day, reason },
          { actor: SYSTEM_ACTOR },
        );
      }
    }
    await this.plans.markPlanned(em, day, revision);
    this.logger.log(
      `${day} r${revision}: ${placed.size} pickup(s) on ${result.rounds.filter((r) => r.stops.length > 0).length} round(s), ${locked.size - placed.size} unplanned`,
    );
    return scheduled;
  }
}

/** A vehicle's working day as instants. */
function vehicleOnDay(vehicle: Vehicle, day: string) {
  return {
    id: vehicle.id,
    depot: vehicle.depot,
    capacity: vehicle.capacity,
    skills: vehicle.skills,
    shiftStart: parisInstant(day, vehicle.workFrom).getTime(),
    shiftEnd: parisInstant(day, vehicle.workUntil).getTime(),
    serviceMs: vehicle.serviceMinutes * 60_000,
    break: vehicle.break && {
      earliestStart: parisInstant(day, vehicle.break.earliestStart).getTime(),
      latestStart: parisInstant(day, vehicle.break.latestStart).getTime(),
      durationMs: vehicle.break.minutes * 60_000,
    },
  };
}
