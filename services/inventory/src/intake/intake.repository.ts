import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Actor, GoodKind, Unit } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';

export interface NewIntake {
  id: string;
  organisationId: string;
  siteId: string;
  locationId: string;
  receivedAt: string;
  grossWeightKg: number;
  tareKg: number;
  provenance: Record<string, unknown>;
  collectionMode: string;
  /** What of the net no good accounts for. */
  unsortedKg: number;
  actor: Actor;
}

/** A good the intake brings: it enters stock with its first movement, from nowhere to a place. */
export interface IntakeEntry {
  id: string;
  kind: GoodKind;
  unit: Unit;
  /** Where it enters its lifecycle: its state from the start, and its first balance's. */
  state: string;
  description: Record<string, unknown>;
  serialNumber: string | null;
  make: string | null;
  model: string | null;
  /** As declared. */
  weightKg: number | null;
  /** Its share of the net weighed, which its first movement carries. */
  weighedKg: number;
  quantity: string;
}

/** Weighed intakes and the goods they bring. */
@Injectable()
export class IntakeRepository {
  /**
   * The intake, its goods, their balances and their first movements, in one statement: a
   * round trip costs more than these rows. Each good is written in its first state, which the
   * movement that brings it in gives it. Returns each good's movement id, in the goods' order.
   * The good table's unique index on (make, model, serial) is the guard against an item
   * already in stock; the caller names the field.
   */
  async insertWithGoods(
    em: EntityManager,
    intake: NewIntake,
    entries: readonly IntakeEntry[],
    reason: string,
  ): Promise<string[]> {
    const column = <T>(pick: (entry: IntakeEntry) => T) => sql.val(entries.map(pick));
    const { rows } = await sql<{ movement_id: string; ord: string }>`
      WITH new_intake AS (
        INSERT INTO intake (id, site_id, location_id, received_at, gross_weight_kg, tare_kg,
                            provenance, collection_mode, unsorted_kg, actor)
        VALUES (${intake.id}, ${intake.siteId}, ${intake.locationId}, ${intake.receivedAt},
                ${intake.grossWeightKg}, ${intake.tareKg}, ${JSON.stringify(intake.provenance)},
                ${intake.collectionMode}, ${intake.unsortedKg}, ${JSON.stringify(intake.actor)})),
      entry AS (
        SELECT * FROM unnest(${column((e) => e.id)}::uuid[], ${column((e) => e.kind)}::text[],
                             ${column((e) => e.unit)}::text[], ${column((e) => e.state)}::text[],
                             ${column((e) => JSON.stringify(e.description))}::text[],
                             ${column((e) => e.serialNumber)}::text[],
                             ${column((e) => e.make)}::text[], ${column((e) => e.model)}::text[],
                             ${column((e) => e.weightKg)}::numeric[],
                             ${column((e) => e.weighedKg)}::numeric[],
                             ${column((e) => e.quantity)}::numeric[])
                 WITH ORDINALITY AS e (id, kind, unit, state, description, serial_number, make,
                                       model, weight_kg, weighed_kg, quantity, ord)),
      new_good AS (
        INSERT INTO good (id, kind, organisation_id, site_id, intake_id, unit, state, description,
                          serial_number, make, model, weight_kg, weighed_kg)
        SELECT id, kind, ${intake.organisationId}::uuid, ${intake.siteId}::uuid,
               ${intake.id}::uuid, unit, state, description::jsonb, serial_number, make, model,
               weight_kg, weighed_kg
          FROM entry ORDER BY ord),
      balance AS (
        INSERT INTO stock_balance (good_id, state, location_id, quantity)
        SELECT id, state, ${intake.locationId}::uuid, quantity FROM entry)
      INSERT INTO stock_movement
        (good_id, quantity, from_state, from_location_id, to_state, to_location_id, weight_kg,
         reason, actor, cause_type, cause_id, hold_id)
      SELECT id, quantity, NULL, NULL, state, ${intake.locationId}::uuid, weighed_kg, ${reason},
             ${JSON.stringify(intake.actor)}::jsonb, 'command', ${intake.id}, NULL
        FROM entry ORDER BY ord
      RETURNING id::text AS movement_id,
                (SELECT ord FROM entry WHERE entry.id = stock_movement.good_id)::text AS ord`.execute(
      db(em),
    );
    const ids: string[] = [];
    for (const row of rows) ids[Number(row.ord) - 1] = row.movement_id;
    return ids;
  }
}
