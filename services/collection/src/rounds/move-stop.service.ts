import { Inject, Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import {
  CollectionPickupScheduledV1,
  CollectionRoundPlannedV1,
  type MoveStopResultV1,
  type MoveStopV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { DIMENSIONS as ROUTING_DIMENSIONS, type Dimension } from '@boucle/routing';
import { notFound, Refusal } from '../common/errors.js';
import { COLLECTION_CONFIG, type CollectionConfig } from '../config/collection.config.js';
import { FollowUpsScheduler, type ScheduledStop } from '../followups/followups.scheduler.js';
import type { Pickup } from '../pickups/pickup.js';
import { PickupsRepository } from '../pickups/pickups.repository.js';
import { PlansRepository } from '../plans/plans.repository.js';
import type { PlanningStop } from './planner.js';
import { PlanningService } from './planning.service.js';
import { RoundsRepository, type Round, type Stop } from './rounds.repository.js';
import {
  checkRound,
  routingPlannerOptions,
  type RoutingPlannerOptions,
} from './routing-planner.js';

type MoveAnswer = z.output<typeof MoveStopResultV1>;

/** libs/routing's dimensions as a planner reads them on a refusal. */
const DIMENSION_WORDS = {
  kg: 'kg',
  m3: 'm³',
  crates: 'crates',
  tailLiftPlaces: 'items',
} as const satisfies Record<Dimension, string>;

const PARIS_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * A planner moves a stop by hand: within its round, to another planned round of the same
 * day, or a pickup the plan left out into a round. The rounds it changes are checked with
 * the planner's own rules (libs/routing's `checkRoute` on the day's problem as a plan
 * sees it) and re-timed; a move that breaks a rule is refused naming it, nothing written.
 *
 * A move is written as a plan of the day is, under the day's plan row, and is a plan
 * revision of its own: a plan computed before it finds its revision already planned and
 * is dropped, and a move while a newer plan is asked for is refused (it would be
 * overwritten). The move is not pinned: a later plan starts from it but may reorder it.
 * The check runs inside the transaction, on a matrix the size of the changed rounds.
 */
@Injectable()
export class MoveStopService {
  private readonly logger = new Logger(MoveStopService.name);
  private readonly routing: RoutingPlannerOptions;

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly planning: PlanningService,
    private readonly plans: PlansRepository,
    private readonly rounds: RoundsRepository,
    private readonly pickups: PickupsRepository,
    private readonly followUps: FollowUpsScheduler,
    @Inject(COLLECTION_CONFIG) config: CollectionConfig,
  ) {
    this.routing = routingPlannerOptions(config);
  }

  async move(cmd: z.output<typeof MoveStopV1>): Promise<MoveAnswer> {
    let scheduled: ScheduledStop[] = [];
    // The transaction answers the command itself (the command log keeps that answer).
    const answer = await inTransaction(this.orm, async (em) => {
      const written = await this.moveIn(em, cmd);
      scheduled = written.scheduled;
      return written.answer;
    });
    await this.followUps.afterPlan(scheduled);
    return answer;
  }

  private async moveIn(
    em: EntityManager,
    cmd: z.output<typeof MoveStopV1>,
  ): Promise<{ answer: MoveAnswer; scheduled: ScheduledStop[] }> {
    const seen = await this.rounds.load(em, cmd.roundId);
    if (!seen) throw notFound('round', cmd.roundId);
    const day = seen.day;
    // The day's lock first, as a plan takes it; then pickups in id order, then rounds.
    const plan = await this.plans.find(em, day, true);
    if (!plan || plan.plannedRevision === 0)
      throw new Refusal('conflict', `${day} has no plan yet: plan the day before moving stops`);
    if (plan.requestedRevision > plan.plannedRevision)
      throw new Refusal(
        'conflict',
        `a new plan of ${day} is being computed (revision ${plan.requestedRevision}); move the stop once it is written`,
      );

    const from = await this.rounds.pendingStopOf(em, cmd.pickupId);
    const roundIds = [...new Set([cmd.roundId, ...(from ? [from.roundId] : [])])];
    const before = await this.rounds.stops(em, roundIds);
    const locked = new Map(
      (
        await this.pickups.loadMany(
          em,
          [...new Set([cmd.pickupId, ...before.map((s) => s.pickupId)])],
          true,
        )
      ).map((p) => [p.id, p]),
    );
    const roundsOfDay = new Map((await this.rounds.ofDay(em, day, true)).map((r) => [r.id, r]));
    const pickup = locked.get(cmd.pickupId);
    if (!pickup) throw notFound('pickup', cmd.pickupId);
    const target = roundsOfDay.get(cmd.roundId)!;
    assertPlanned(target);
    if (pickup.status !== 'requested' && pickup.status !== 'scheduled')
      throw new Refusal(
        'invalid-transition',
        `pickup ${pickup.id} is ${pickup.status}: only a pickup still to be collected can be moved`,
        { currentState: pickup.status, allowedStates: [] },
      );
    let source: Round | undefined;
    if (from) {
      source = roundsOfDay.get(from.roundId);
      if (!source) {
        const other = await this.rounds.load(em, from.roundId);
        throw new Refusal(
          'validation',
          `roundId: pickup ${pickup.id} waits on a round of ${other?.day ?? 'another day'}; it moves only to a round of that day`,
          {
            issues: [{ path: 'roundId', message: `must be a round of ${other?.day ?? 'its day'}` }],
          },
        );
      }
      assertPlanned(source);
    }

    const { problem } = await this.planning.problemOf(em, day);
    const stopOf = new Map(problem.stops.map((s) => [s.id, s]));
    const moved = stopOf.get(pickup.id);
    if (!moved || moved.windows.length === 0)
      throw new Refusal(
        'validation',
        `pickupId: pickup ${pickup.id} cannot be planned on ${day} (no window on the day, or waiting on another round)`,
        { issues: [{ path: 'pickupId', message: `must be a pickup the plan of ${day} may take` }] },
      );
    // The rounds are locked: their stops are the ones read above.
    const pendingOf = (roundId: string) =>
      before.filter((s) => s.roundId === roundId && s.status === 'pending');
    const into = pendingOf(target.id)
      .map((s) => s.pickupId)
      .filter((id) => id !== pickup.id);
    if (cmd.sequence > into.length + 1)
      throw new Refusal(
        'validation',
        `sequence: must be from 1 to ${into.length + 1}, the round having ${into.length} other stop(s)`,
        { issues: [{ path: 'sequence', message: `must be from 1 to ${into.length + 1}` }] },
      );
    into.splice(cmd.sequence - 1, 0, pickup.id);
    const changed: { round: Round; stops: string[] }[] = [{ round: target, stops: into }];
    if (source && source.id !== target.id)
      changed.push({
        round: source,
        stops: pendingOf(source.id)
          .map((s) => s.pickupId)
          .filter((id) => id !== pickup.id),
      });
    for (const { stops } of changed)
      if (stops.some((id) => !stopOf.get(id)?.windows.length))
        throw new Refusal(
          'conflict',
          `the rounds of ${day} have changed since their plan; plan the day again before moving stops`,
        );

    const checked = [];
    const issues: { path: string; message: string }[] = [];
    for (const change of changed) {
      const check = await checkRound(
        problem,
        change.round.vehicleId,
        change.stops,
        this.routing,
        this.logger,
      );
      for (const v of check.violations) issues.push(describe(v, stopOf));
      checked.push({ ...change, planned: check.round });
    }
    if (issues.length > 0)
      throw new Refusal(
        'validation',
        `the move breaks the plan's rules: ${issues.map((i) => i.message).join('; ')}`,
        { issues },
      );

    return this.write(em, cmd, day, checked, before, locked);
  }

  private async write(
    em: EntityManager,
    cmd: z.output<typeof MoveStopV1>,
    day: string,
    checked: {
      round: Round;
      planned: { stops: { id: string; eta: number }[]; distanceKm: number };
    }[],
    before: Stop[],
    locked: Map<string, Pickup>,
  ): Promise<{ answer: MoveAnswer; scheduled: ScheduledStop[] }> {
    // A revision of its own, asked for and planned at once: a plan computed before the
    // move is then older than the rounds and is not written over them.
    const revision = await this.plans.bump(em, day);
    await this.rounds.clearPending(
      em,
      checked.map((c) => c.round.id),
    );
    const previous = new Map(before.map((s) => [s.pickupId, s]));
    const scheduled: ScheduledStop[] = [];
    const rounds: MoveAnswer['rounds'] = [];
    for (const { round, planned } of checked) {
      await this.rounds.upsert(em, { ...round, revision, distanceKm: planned.distanceKm });
      const rows = planned.stops.map((s, index) => ({
        pickupId: s.id,
        sequence: index + 1,
        eta: new Date(s.eta).toISOString(),
      }));
      await this.rounds.insertStops(em, round.id, rows);
      for (const row of rows) {
        const pickup = locked.get(row.pickupId)!;
        const was = previous.get(row.pickupId);
        if (pickup.status !== 'scheduled' || pickup.unplannedReason !== null)
          await this.pickups.setStatus(em, pickup.id, 'scheduled', { unplannedReason: null });
        if (
          !was ||
          was.roundId !== round.id ||
          was.sequence !== row.sequence ||
          was.eta !== row.eta
        )
          await recordEvent(
            em,
            CollectionPickupScheduledV1,
            {
              pickupId: pickup.id,
              organisationId: pickup.organisationId,
              day,
              roundId: round.id,
              vehicleId: round.vehicleId,
              sequence: row.sequence,
              eta: row.eta,
            },
            { actor: cmd.actor },
          );
        scheduled.push({ pickup, roundId: round.id, day, eta: row.eta });
      }
      const distanceKm = Math.round(planned.distanceKm * 1000) / 1000;
      await recordEvent(
        em,
        CollectionRoundPlannedV1,
        {
          roundId: round.id,
          day,
          vehicleId: round.vehicleId,
          organisationId: round.organisationId,
          planRevision: revision,
          distanceKm,
          stops: rows,
        },
        { actor: cmd.actor },
      );
      rounds.push({ roundId: round.id, vehicleId: round.vehicleId, distanceKm, stops: rows });
    }
    await this.plans.markPlanned(em, day, revision);
    return { answer: { day, planRevision: revision, rounds }, scheduled };
  }
}

function assertPlanned(round: Round): void {
  if (round.status !== 'planned')
    throw new Refusal(
      'invalid-transition',
      `round ${round.id} is ${round.status}: only the stops of a round not yet started can be moved`,
      { currentState: round.status, allowedStates: [] },
    );
}

/** A rule libs/routing says the round breaks, in a planner's words. */
function describe(
  violation: { pickupId: string | null; rule: string },
  stops: Map<string, PlanningStop>,
): { path: string; message: string } {
  const { pickupId, rule } = violation;
  const dimension = ROUTING_DIMENSIONS.find(
    (d) => rule.startsWith(`${d} on board `) || rule.startsWith(`${d} already on board `),
  );
  if (dimension)
    return {
      path: 'roundId',
      message: `over the vehicle's capacity in ${DIMENSION_WORDS[dimension]} (${rule})`,
    };
  const stop = pickupId === null ? undefined : stops.get(pickupId);
  if (!stop) return { path: 'sequence', message: rule };
  if (rule.startsWith('the vehicle lacks '))
    return {
      path: 'roundId',
      message: `pickup ${stop.id} needs ${rule.slice('the vehicle lacks '.length)}, which the vehicle lacks`,
    };
  const windows = stop.windows
    .map((w) => `${PARIS_TIME.format(w.from)}–${PARIS_TIME.format(w.until)}`)
    .join(', ');
  return {
    path: 'sequence',
    message: `pickup ${stop.id} would be outside the pickup's window${stop.windows.length > 1 ? 's' : ''} ${windows}`,
  };
}
