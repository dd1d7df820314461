import { Injectable } from '@nestjs/common';
import { sql, type Insertable } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type IntakeTable } from '../database/schema.js';

export interface NewIntake {
  id: string;
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

/** Weighed intakes; the goods they brought are in the goods repository. */
@Injectable()
export class IntakeRepository {
  async insert(em: EntityManager, intake: NewIntake): Promise<void> {
    const row = {
      id: intake.id,
      site_id: intake.siteId,
      location_id: intake.locationId,
      received_at: intake.receivedAt,
      gross_weight_kg: intake.grossWeightKg,
      tare_kg: intake.tareKg,
      provenance: JSON.stringify(intake.provenance),
      collection_mode: intake.collectionMode,
      unsorted_kg: intake.unsortedKg,
      actor: JSON.stringify(intake.actor),
    } satisfies Insertable<IntakeTable>;
    // Written out rather than built, so that the statement reads `INSERT INTO intake` in
    // pg_stat_activity, where the command-retry test finds attempts waiting on the table's lock.
    await sql`INSERT INTO intake (${sql.join(Object.keys(row).map((column) => sql.ref(column)))})
              VALUES (${sql.join(Object.values(row))})`.execute(db(em));
  }
}
