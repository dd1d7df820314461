import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@boucle/database';
import { db, type RoundStatus } from '../database/schema.js';
import { iso } from '../pickups/pickups.repository.js';

/** What the follow-up jobs look up about a stop. */
@Injectable()
export class FollowUpsRepository {
  /** The pickup's stop on that round if it is still pending, with the round's state. */
  async pendingStop(
    em: EntityManager,
    pickupId: string,
    roundId: string,
  ): Promise<{ eta: string; roundStatus: RoundStatus } | undefined> {
    const row = await db(em)
      .selectFrom('round_stop')
      .innerJoin('round', 'round.id', 'round_stop.round_id')
      .select(['round_stop.eta', 'round.status'])
      .where('round_stop.pickup_id', '=', pickupId)
      .where('round_stop.round_id', '=', roundId)
      .where('round_stop.status', '=', 'pending')
      .executeTakeFirst();
    return row && { eta: iso(row.eta), roundStatus: row.status };
  }
}
