import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  CollectionRoundStartedV1,
  type Actor,
  type AssignDriverV1,
  type GetRoundV1,
  type ListRoundsResultV1,
  type ListRoundsV1,
  type RoundViewV1,
  type StartRoundV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { actsForCluster, assertActsFor } from '../common/actor.js';
import { invalidTransition, notFound } from '../common/errors.js';
import { parisDayBounds } from '../common/paris-time.js';
import { PickupsRepository } from '../pickups/pickups.repository.js';
import { PlansRepository } from '../plans/plans.repository.js';
import { RoundsRepository, type Round } from './rounds.repository.js';

type RoundView = z.input<typeof RoundViewV1>;

/**
 * A round belongs to the member whose vehicle it is: its operators see and staff it, the
 * driver given it sees it and records its stops, the coordinator sees every round. A
 * round someone may not see is answered as not found.
 */
export function assertOnRound(actor: Actor, round: Round): void {
  if (actor.role === 'driver') {
    if (round.driverId !== actor.userId) throw notFound('round', round.id);
    return;
  }
  assertActsFor(actor, round.organisationId, `round ${round.id}`);
}

@Injectable()
export class RoundsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly rounds: RoundsRepository,
    private readonly pickups: PickupsRepository,
    private readonly plans: PlansRepository,
  ) {}

  async list(query: z.output<typeof ListRoundsV1>): Promise<z.input<typeof ListRoundsResultV1>> {
    const em = this.orm.em.fork();
    const { actor, day } = query;
    // The revision first, the rounds after: a plan committing between the two reads then
    // shows rounds at least as new as the revision answered, never older (a caller waiting
    // for its revision would otherwise get it with the rounds of before).
    const plan = await this.plans.find(em, day);
    const all =
      actor.role === 'driver'
        ? await this.rounds.ofDriver(em, actor.userId, day)
        : await this.rounds.ofDay(em, day);
    const visible = all.filter(
      (r) =>
        actsForCluster(actor) ||
        actor.role === 'driver' ||
        r.organisationId === actor.organisationId,
    );
    const { start, end } = parisDayBounds(day);
    // The unplanned are the coordinator's to see: they belong to every member.
    const unplanned = actsForCluster(actor)
      ? (
          await this.pickups.list(em, {
            organisationId: null,
            status: 'requested',
            overlapping: { from: start.toISOString(), until: end.toISOString() },
            limit: 1_000,
          })
        )
          .filter((p) => p.unplannedReason !== null)
          .map((p) => ({ pickupId: p.id, reason: p.unplannedReason as never }))
      : [];
    return {
      day,
      requestedRevision: plan?.requestedRevision ?? 0,
      plannedRevision: plan?.plannedRevision ?? 0,
      rounds: await this.views(em, visible),
      unplanned,
    };
  }

  async get(query: z.output<typeof GetRoundV1>): Promise<RoundView> {
    const em = this.orm.em.fork();
    const round = await this.rounds.load(em, query.roundId);
    if (!round) throw notFound('round', query.roundId);
    assertOnRound(query.actor, round);
    return (await this.views(em, [round]))[0]!;
  }

  async assignDriver(
    cmd: z.output<typeof AssignDriverV1>,
  ): Promise<{ roundId: string; driverId: string }> {
    return inTransaction(this.orm, async (em) => {
      const round = await this.rounds.load(em, cmd.roundId, true);
      if (!round) throw notFound('round', cmd.roundId);
      assertActsFor(cmd.actor, round.organisationId, `round ${round.id}`);
      if (round.status === 'completed')
        throw invalidTransition(`round ${round.id}`, round.status, 'assigned', []);
      await this.rounds.assignDriver(em, round.id, cmd.driverId);
      return { roundId: round.id, driverId: cmd.driverId };
    });
  }

  async start(cmd: z.output<typeof StartRoundV1>): Promise<{ roundId: string; status: 'started' }> {
    return inTransaction(this.orm, async (em) => {
      const round = await this.rounds.load(em, cmd.roundId, true);
      if (!round) throw notFound('round', cmd.roundId);
      assertOnRound(cmd.actor, round);
      await this.startIn(em, round, cmd.actor);
      return { roundId: round.id, status: 'started' as const };
    });
  }

  /** Starts a locked round; from then on a replan of its day leaves it as it is. */
  async startIn(em: EntityManager, round: Round, actor: Actor): Promise<void> {
    if (round.status !== 'planned')
      throw invalidTransition(`round ${round.id}`, round.status, 'started', []);
    const startedAt = await this.rounds.setStatus(em, round.id, 'started');
    round.status = 'started';
    await recordEvent(
      em,
      CollectionRoundStartedV1,
      {
        roundId: round.id,
        day: round.day,
        vehicleId: round.vehicleId,
        organisationId: round.organisationId,
        startedAt,
      },
      { actor },
    );
  }

  private async views(em: EntityManager, rounds: readonly Round[]): Promise<RoundView[]> {
    const stops = await this.rounds.stops(
      em,
      rounds.map((r) => r.id),
    );
    const pickups = new Map(
      (await this.pickups.loadMany(em, [...new Set(stops.map((s) => s.pickupId))])).map((p) => [
        p.id,
        p,
      ]),
    );
    return rounds.map((round) => ({
      roundId: round.id,
      day: round.day,
      vehicleId: round.vehicleId,
      organisationId: round.organisationId,
      driverId: round.driverId,
      status: round.status,
      planRevision: round.planRevision,
      distanceKm: round.distanceKm,
      stops: stops
        .filter((s) => s.roundId === round.id)
        .map((s) => {
          const pickup = pickups.get(s.pickupId)!;
          return {
            pickupId: s.pickupId,
            sequence: s.sequence,
            eta: s.eta,
            status: s.status,
            address: pickup.address,
            position: pickup.position,
            windows: pickup.windows,
            expectedLoad: pickup.expectedLoad,
            skills: pickup.skills as RoundView['stops'][number]['skills'],
            goods: pickup.goods as RoundView['stops'][number]['goods'],
          };
        }),
    }));
  }
}
