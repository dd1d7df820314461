import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type LifetimeBasis } from '../database/schema.js';
import type { Gate, GateRecord } from './gates.js';

/**
 * The refurbishment records of a medical aid: append-only, every record of every gate
 * and cycle kept in order (a failed check and a gate recorded again are records too).
 */
@Injectable()
export class RefurbishmentRepository {
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
      .execute();
  }

  /** Every record of the cycle, oldest first. */
  async cycleRecords(em: EntityManager, goodId: string, cycle: number): Promise<GateRecord[]> {
    const rows = await db(em)
      .selectFrom('refurbishment_record')
      .select(['gate', 'data'])
      .where('good_id', '=', goodId)
      .where('cycle', '=', cycle)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ gate: r.gate, data: r.data }));
  }

  /**
   * The local (Europe/Paris) days the aid was taken in and its last gate recorded, in
   * any cycle: a date typed for a later gate may be neither before.
   */
  async gateDays(
    em: EntityManager,
    goodId: string,
  ): Promise<{ intakeDay: string | null; lastGateDay: string | null }> {
    const row = await db(em)
      .selectFrom('good as g')
      .leftJoin('intake as i', 'i.id', 'g.intake_id')
      .select((eb) => [
        sql<
          string | null
        >`to_char(${eb.ref('i.received_at')} AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD')`.as(
          'intake_day',
        ),
        eb
          .selectFrom('refurbishment_record as r')
          .select(
            sql<string>`to_char(max(r.recorded_at) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD')`.as(
              'day',
            ),
          )
          .whereRef('r.good_id', '=', 'g.id')
          .as('last_gate_day'),
      ])
      .where('g.id', '=', goodId)
      .executeTakeFirstOrThrow();
    return { intakeDay: row.intake_day, lastGateDay: row.last_gate_day };
  }

  /** Certification fixes where the lifetime counts from (once) and the day the aid is fit for use until. */
  async setLifetime(
    em: EntityManager,
    goodId: string,
    lifetime: { startsOn: string; basis: LifetimeBasis; fitForUseUntil: string },
  ): Promise<void> {
    await db(em)
      .updateTable('good')
      .set({
        lifetime_starts_on: lifetime.startsOn,
        lifetime_basis: lifetime.basis,
        fit_for_use_until: lifetime.fitForUseUntil,
      })
      .where('id', '=', goodId)
      .execute();
  }
}
