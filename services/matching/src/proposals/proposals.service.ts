import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { z } from 'zod';
import type {
  ListProposalsResultV1,
  ListProposalsV1,
  SetSocialPriorityResultV1,
  SetSocialPriorityV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, isTransientError } from '@boucle/messaging';
import { actsForCluster } from '../common/actor.js';
import { notFound } from '../common/errors.js';
import { ReservationsRepository } from '../reservations/reservations.repository.js';
import { ProposalsRepository } from './proposals.repository.js';

/** How many needs a good's line keeps: more would be offered it only after all these. */
export const LINE_LENGTH = 20;

/** How many goods a new need is put in line for, nearest first. */
const GOODS_PER_NEED = 20;

/**
 * Proposals: when a good becomes available, the open needs it fits are put in line; when
 * a need is registered or its priority changes, the lines of the goods it fits are drawn
 * again. A line is always drawn whole from the needs as they stand, under a lock per good.
 */
@Injectable()
export class ProposalsService implements OnModuleInit {
  private readonly logger = new Logger(ProposalsService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly proposals: ProposalsRepository,
    private readonly reservations: ReservationsRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.proposals.prepare(this.orm.em.fork());
  }

  /** Draws the goods' lines, in the caller's transaction, one good after another by id. */
  async drawLines(em: EntityManager, goodIds: readonly string[]): Promise<void> {
    const now = new Date();
    for (const goodId of [...new Set(goodIds)].sort())
      await this.proposals.drawLine(em, goodId, now, LINE_LENGTH);
  }

  /** A need closed in the caller's transaction: the lines it was in, drawn without it. */
  async redrawClosed(em: EntityManager, needId: string): Promise<void> {
    await this.drawLines(em, await this.proposals.goodsProposedTo(em, needId));
  }

  /**
   * Once a need was registered, closed or given another priority: the lines it is in, or
   * could now be in, drawn again. Its own transactions, after the need's has committed; a
   * line that cannot be drawn now is drawn again when its good next changes.
   */
  async redrawFor(needId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.orm.em.fork().transactional(async (em) => {
          const goods = [
            ...(await this.proposals.goodsProposedTo(em, needId)),
            ...(await this.proposals.goodsFitting(em, needId, GOODS_PER_NEED)),
          ];
          await this.drawLines(em, goods);
        });
        return;
      } catch (error) {
        // Two lines drawn at once by different paths may deadlock: one of them tries again.
        if (attempt < 3 && isTransientError(error)) continue;
        this.logger.warn(`lines of need ${needId} not drawn again: ${String(error)}`);
        return;
      }
    }
  }

  async list(
    query: z.output<typeof ListProposalsV1>,
  ): Promise<z.input<typeof ListProposalsResultV1>> {
    const em = this.orm.em.fork();
    const owner = await this.proposals.goodOwner(em, query.goodId);
    // Staff of the good's member, or the coordinator; to anyone else, no such good.
    if (
      !owner ||
      (!actsForCluster(query.actor) &&
        (query.actor.organisationId === null ||
          owner.organisationId !== query.actor.organisationId))
    )
      throw notFound('good', query.goodId);
    const rows = await this.proposals.line(em, query.goodId);
    return {
      goodId: query.goodId,
      proposals: rows.map((row) => ({
        needId: row.need_id,
        rank: row.rank,
        kind: row.kind,
        beneficiaryRef: row.beneficiary_ref,
        organisationId: row.organisation_id,
        distanceKm: row.distance_km,
        registeredAt: new Date(row.registered_at).toISOString(),
        score: row.score,
        proposedAt: new Date(row.proposed_at).toISOString(),
      })),
    };
  }

  async setSocialPriority(
    cmd: z.output<typeof SetSocialPriorityV1>,
  ): Promise<z.input<typeof SetSocialPriorityResultV1>> {
    const answer = await inTransaction(this.orm, async (em) => {
      const before = await this.proposals.setSocialPriority(em, cmd.needId, cmd.socialPriority);
      if (before === undefined) throw notFound('need', cmd.needId);
      // A raised priority goes before lower ones on the waiting lists it is on; a lowered
      // one keeps its place.
      if (cmd.socialPriority > before)
        await this.reservations.raiseWaiting(em, cmd.needId, cmd.socialPriority);
      return { needId: cmd.needId, socialPriority: cmd.socialPriority };
    });
    await this.redrawFor(cmd.needId);
    return answer;
  }
}
