import { Injectable } from '@nestjs/common';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';

/** Transfers of custody between members, and the movements each appended. */
@Injectable()
export class CustodyRepository {
  async insertTransfer(
    em: EntityManager,
    t: {
      id: string;
      goodId: string;
      fromOrganisationId: string;
      toOrganisationId: string;
      toSiteId: string;
      actor: Actor;
    },
  ): Promise<void> {
    await db(em)
      .insertInto('transfer')
      .values({
        id: t.id,
        good_id: t.goodId,
        from_organisation_id: t.fromOrganisationId,
        to_organisation_id: t.toOrganisationId,
        to_site_id: t.toSiteId,
        actor: JSON.stringify(t.actor),
      })
      .execute();
  }

  async linkMovements(em: EntityManager, transferId: string, movementIds: string[]): Promise<void> {
    await db(em)
      .insertInto('transfer_movement')
      .values(movementIds.map((movement_id) => ({ movement_id, transfer_id: transferId })))
      .execute();
  }

  /** The receiving member owns the good from now on, at the site it was received at. */
  async changeOwner(
    em: EntityManager,
    goodId: string,
    owner: { organisationId: string; siteId: string },
  ): Promise<void> {
    await db(em)
      .updateTable('good')
      .set({ organisation_id: owner.organisationId, site_id: owner.siteId })
      .where('id', '=', goodId)
      .execute();
  }
}
