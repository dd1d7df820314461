import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';
import type { Gate } from './gates.js';

/** The gates recorded for a medical aid, one per gate and refurbishment cycle. */
@Injectable()
export class RefurbishmentRepository {
  /** Records the gate for this cycle; recording it again replaces what was recorded. */
  async record(
    em: EntityManager,
    record: {
      goodId: string;
      cycle: number;
      gate: Gate;
      data: Record<string, unknown>;
      actor: Actor;
    },
  ): Promise<void> {
    await db(em)
      .insertInto('refurbishment_record')
      .values({
        good_id: record.goodId,
        cycle: record.cycle,
        gate: record.gate,
        data: JSON.stringify(record.data),
        actor: JSON.stringify(record.actor),
      })
      .onConflict((oc) =>
        oc.columns(['good_id', 'cycle', 'gate']).doUpdateSet((eb) => ({
          data: eb.ref('excluded.data'),
          actor: eb.ref('excluded.actor'),
          recorded_at: sql<string>`clock_timestamp()`,
        })),
      )
      .execute();
  }

  async recordedGates(em: EntityManager, goodId: string, cycle: number): Promise<Gate[]> {
    const rows = await db(em)
      .selectFrom('refurbishment_record')
      .select('gate')
      .where('good_id', '=', goodId)
      .where('cycle', '=', cycle)
      .execute();
    return rows.map((r) => r.gate);
  }

  async gateData(
    em: EntityManager,
    goodId: string,
    cycle: number,
    gate: Gate,
  ): Promise<Record<string, unknown> | undefined> {
    const row = await db(em)
      .selectFrom('refurbishment_record')
      .select('data')
      .where('good_id', '=', goodId)
      .where('cycle', '=', cycle)
      .where('gate', '=', gate)
      .executeTakeFirst();
    return row?.data;
  }
}
