import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  CollectionPickupCompletedV1,
  CollectionPickupMissedV1,
  CollectionRoundCompletedV1,
  type Actor,
  type RecordCollectedV1,
  type RecordMissedV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { invalidTransition, notFound, validation } from '../common/errors.js';
import { COLLECTION_CONFIG, type CollectionConfig } from '../config/collection.config.js';
import { FollowUpsScheduler } from '../followups/followups.scheduler.js';
import type { Pickup } from '../pickups/pickup.js';
import { PickupsRepository } from '../pickups/pickups.repository.js';
import { PickupsService } from '../pickups/pickups.service.js';
import { PlanRequests, type PlanRequest } from '../plans/plans.service.js';
import { RoundsRepository, type Round } from './rounds.repository.js';
import { assertOnRound, RoundsService } from './rounds.service.js';

/** A phone's clock may run a little ahead: a record dated later than this is refused. */
const FUTURE_MARGIN_MS = 5 * 60_000;

type StopAnswer = {
  roundId: string;
  pickupId: string;
  status: 'collected' | 'missed';
  roundStatus: Round['status'];
};

/**
 * The driver's records: each stop collected (what was loaded, the proof) or missed (why),
 * once. A record arriving for a round still planned starts it: a phone offline at the
 * depot sends its start and its first stops together when it gets a signal back.
 */
@Injectable()
export class StopsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly rounds: RoundsRepository,
    private readonly roundsService: RoundsService,
    private readonly pickups: PickupsRepository,
    private readonly pickupsService: PickupsService,
    private readonly planRequests: PlanRequests,
    private readonly followUps: FollowUpsScheduler,
    @Inject(COLLECTION_CONFIG) private readonly config: CollectionConfig,
  ) {}

  async collected(cmd: z.output<typeof RecordCollectedV1>): Promise<StopAnswer> {
    const collectedAt = cmd.collectedAt ? new Date(cmd.collectedAt) : new Date();
    if (collectedAt.getTime() > Date.now() + FUTURE_MARGIN_MS)
      throw validation('collectedAt', 'must not be in the future');
    return inTransaction(this.orm, async (em) => {
      const { round, pickup } = await this.lockStop(
        em,
        cmd.actor,
        cmd.roundId,
        cmd.pickupId,
        'collected',
      );
      await this.rounds.recordCollection(em, {
        pickupId: pickup.id,
        roundId: round.id,
        collectedAt: collectedAt.toISOString(),
        actual: cmd.actual,
        goods: cmd.goods,
        photoRefs: cmd.photoRefs,
        signatureRef: cmd.signatureRef ?? null,
        actor: cmd.actor,
      });
      await this.rounds.setStopStatus(em, round.id, pickup.id, 'collected');
      await this.pickups.setStatus(em, pickup.id, 'collected');
      await recordEvent(
        em,
        CollectionPickupCompletedV1,
        {
          pickupId: pickup.id,
          organisationId: pickup.organisationId,
          roundId: round.id,
          collectedAt: collectedAt.toISOString(),
          mode: pickup.mode,
          provenance: { locality: pickup.locality, donorRef: pickup.donorRef },
          deliverTo: pickup.deliverTo,
          actual: cmd.actual,
          goods: cmd.goods,
          lotGoodId: pickup.lot?.goodId ?? null,
          proof: { photoRefs: cmd.photoRefs, signatureRef: cmd.signatureRef ?? null },
        },
        { actor: cmd.actor },
      );
      const roundStatus = await this.completeIfDone(em, round, cmd.actor);
      return { roundId: round.id, pickupId: pickup.id, status: 'collected' as const, roundStatus };
    });
  }

  async missed(cmd: z.output<typeof RecordMissedV1>): Promise<StopAnswer> {
    let replans: PlanRequest[] = [];
    let reschedule: { attempt: number; at: Date } | undefined;
    const answer = await inTransaction(this.orm, async (em) => {
      const { round, pickup } = await this.lockStop(
        em,
        cmd.actor,
        cmd.roundId,
        cmd.pickupId,
        'missed',
      );
      const attempt = pickup.misses + 1;
      await this.rounds.recordMiss(em, {
        pickupId: pickup.id,
        roundId: round.id,
        reason: cmd.reason,
        attempt,
        actor: cmd.actor,
      });
      await this.rounds.setStopStatus(em, round.id, pickup.id, 'missed');
      const givenUp = attempt >= this.config.MAX_MISSES;
      // Backoff: the first reschedule waits RESCHEDULE_BACKOFF_HOURS, each next one twice as long.
      const at = givenUp
        ? null
        : new Date(
            Date.now() + this.config.RESCHEDULE_BACKOFF_HOURS * 3_600_000 * 2 ** (attempt - 1),
          );
      await this.pickups.setStatus(em, pickup.id, 'missed', { misses: attempt });
      await recordEvent(
        em,
        CollectionPickupMissedV1,
        {
          pickupId: pickup.id,
          organisationId: pickup.organisationId,
          roundId: round.id,
          reason: cmd.reason,
          attempt,
          rescheduleAt: at?.toISOString() ?? null,
        },
        { actor: cmd.actor },
      );
      if (givenUp) {
        replans = await this.pickupsService.cancelIn(
          em,
          { ...pickup, status: 'missed', misses: attempt },
          'too-many-misses',
          { actor: cmd.actor },
        );
      } else {
        reschedule = { attempt, at: at! };
      }
      const roundStatus = await this.completeIfDone(em, round, cmd.actor);
      return { roundId: round.id, pickupId: pickup.id, status: 'missed' as const, roundStatus };
    });
    await this.planRequests.enqueue(replans);
    if (reschedule)
      await this.followUps.afterMiss(answer.pickupId, reschedule.attempt, reschedule.at);
    return answer;
  }

  /** The round (started if it was only planned), then the pickup, locked; the stop must be pending. */
  private async lockStop(
    em: EntityManager,
    actor: Actor,
    roundId: string,
    pickupId: string,
    target: 'collected' | 'missed',
  ): Promise<{ round: Round; pickup: Pickup }> {
    const round = await this.rounds.load(em, roundId, true);
    if (!round) throw notFound('round', roundId);
    assertOnRound(actor, round);
    const stop = await this.rounds.stop(em, round.id, pickupId, true);
    if (!stop) throw notFound('stop of pickup', pickupId);
    if (stop.status !== 'pending')
      throw invalidTransition(`the stop of pickup ${pickupId}`, stop.status, target, []);
    if (round.status === 'completed')
      throw invalidTransition(`round ${round.id}`, round.status, 'recorded', []);
    if (round.status === 'planned') await this.roundsService.startIn(em, round, actor);
    const pickup = await this.pickups.load(em, pickupId, { forUpdate: true });
    if (!pickup) throw notFound('pickup', pickupId);
    return { round, pickup };
  }

  private async completeIfDone(
    em: EntityManager,
    round: Round,
    actor: Actor,
  ): Promise<Round['status']> {
    const stops = await this.rounds.stops(em, [round.id]);
    if (stops.some((s) => s.status === 'pending')) return round.status;
    const completedAt = await this.rounds.setStatus(em, round.id, 'completed');
    await recordEvent(
      em,
      CollectionRoundCompletedV1,
      {
        roundId: round.id,
        day: round.day,
        vehicleId: round.vehicleId,
        organisationId: round.organisationId,
        completedAt,
        collected: stops.filter((s) => s.status === 'collected').length,
        missed: stops.filter((s) => s.status === 'missed').length,
      },
      { actor },
    );
    return 'completed';
  }
}
