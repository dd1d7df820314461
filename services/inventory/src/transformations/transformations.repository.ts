import { Injectable } from '@nestjs/common';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type TransformationTable } from '../database/schema.js';

export interface NewTransformation {
  id: string;
  kind: TransformationTable['kind'];
  inputGoodIds: string[];
  outputGoodIds: string[];
  inputKg: number | null;
  outputKg: number | null;
  lossKg: number | null;
  actor: Actor;
}

/** Transformations and their mass balance (the table checks it again). */
@Injectable()
export class TransformationsRepository {
  async insert(em: EntityManager, transformation: NewTransformation): Promise<void> {
    await db(em)
      .insertInto('transformation')
      .values({
        id: transformation.id,
        kind: transformation.kind,
        input_good_ids: transformation.inputGoodIds,
        output_good_ids: transformation.outputGoodIds,
        input_kg: transformation.inputKg,
        output_kg: transformation.outputKg,
        loss_kg: transformation.lossKg,
        actor: JSON.stringify(transformation.actor),
      })
      .execute();
  }
}
