import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type DiversionTable, type QuarantineReason } from '../database/schema.js';

export interface OpenQuarantine {
  id: string;
  reason: QuarantineReason;
}

/** Quarantines of medical aids, how each ended, and where a scrapped aid went. */
@Injectable()
export class QuarantineRepository {
  async insert(
    em: EntityManager,
    quarantine: {
      id: string;
      goodId: string;
      reason: QuarantineReason;
      note: string | null;
      fromState: string;
      cycle: number;
      actor: Actor;
    },
  ): Promise<void> {
    await db(em)
      .insertInto('quarantine')
      .values({
        id: quarantine.id,
        good_id: quarantine.goodId,
        reason: quarantine.reason,
        note: quarantine.note,
        from_state: quarantine.fromState,
        cycle: quarantine.cycle,
        actor: JSON.stringify(quarantine.actor),
      })
      .execute();
  }

  /** The aid's quarantine still open, locked so that it ends once. */
  async lockOpen(em: EntityManager, goodId: string): Promise<OpenQuarantine | undefined> {
    return db(em)
      .selectFrom('quarantine')
      .select(['id', 'reason'])
      .where('good_id', '=', goodId)
      .where('ended_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
  }

  async end(
    em: EntityManager,
    id: string,
    outcome: 'refurbishing' | 'scrapped',
    actor: Actor,
  ): Promise<void> {
    await db(em)
      .updateTable('quarantine')
      .set({
        outcome,
        ended_by: JSON.stringify(actor),
        ended_at: sql<string>`clock_timestamp()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * The decision to refurbish a quarantined aid again is the triage of its new cycle:
   * recorded as one, so that the gates of that cycle follow it as after any triage.
   */
  async recordRepairableTriage(
    em: EntityManager,
    record: { goodId: string; cycle: number; quarantineId: string; actor: Actor },
  ): Promise<void> {
    await db(em)
      .insertInto('refurbishment_record')
      .values({
        good_id: record.goodId,
        cycle: record.cycle,
        gate: 'triage',
        data: JSON.stringify({
          decision: 'repairable',
          notes: null,
          afterQuarantine: record.quarantineId,
        }),
        actor: JSON.stringify(record.actor),
      })
      .execute();
  }

  /** Where the movement into `scrapped` sent the aid: the tonnage report reads it. */
  async insertScrapping(
    em: EntityManager,
    scrapping: {
      movementId: string;
      goodId: string;
      route: DiversionTable['route'];
      facility: string;
      actor: Actor;
    },
  ): Promise<void> {
    await db(em)
      .insertInto('scrapping')
      .values({
        movement_id: scrapping.movementId,
        good_id: scrapping.goodId,
        route: scrapping.route,
        facility: scrapping.facility,
        actor: JSON.stringify(scrapping.actor),
      })
      .execute();
  }
}
