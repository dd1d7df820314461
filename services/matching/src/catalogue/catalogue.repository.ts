import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';

export interface SiteFacts {
  siteId: string;
  organisationId: string;
  kind: string;
  locality: string;
  position: { latitude: number; longitude: number } | null;
  locationIds: readonly string[];
}

export interface MovementFacts {
  movementId: string;
  goodId: string;
  kind: 'item' | 'lot';
  unit: string;
  quantity: string;
  /** Where it left, when it left a state inventory holds from. */
  from: { locationId: string } | null;
  /** Where it arrived, when it arrived in a state inventory holds from. */
  to: { locationId: string } | null;
}

export interface ItemFacts {
  goodId: string;
  version: number;
  at: string;
  siteId: string;
  isoClass: string;
  category: string | null;
  make: string;
  model: string;
  attributes: Record<string, unknown>;
}

export interface LotFacts {
  goodId: string;
  version: number;
  at: string;
  siteId: string;
  organisationId: string;
  materialFamily: string;
  unit: string;
  conditionGrade: 'A' | 'B' | 'C' | 'D';
  estimated: boolean;
  availableFrom: string;
  mustBeGoneBy: string;
}

/**
 * Sites and locations decide where a good is; a site arriving after its goods' movements
 * must still place them. Every transaction writing the catalogue takes this lock shared,
 * a site's takes it alone: a site is then never read half-known by a transaction that
 * the site's own could not see. The lock is per schema: a rebuild's tables have their own.
 */
const SITES_LOCK = 'matching.catalogue.sites';

/**
 * The catalogue's facts and the rows derived from them. Every write is idempotent at the
 * row: a movement is counted once by its id, a description is kept only if newer, so an
 * event applied twice (by the consumer and by a replay) changes nothing the second time.
 */
@Injectable()
export class CatalogueRepository {
  async lockSites(em: EntityManager, mode: 'shared' | 'exclusive'): Promise<void> {
    await sql`SELECT ${sql.raw(mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock')}(hashtext(${SITES_LOCK} || current_schema()))`.execute(
      db(em),
    );
  }

  async recordSite(em: EntityManager, site: SiteFacts): Promise<void> {
    await db(em)
      .insertInto('catalogue_site')
      .values({
        site_id: site.siteId,
        organisation_id: site.organisationId,
        kind: site.kind,
        locality: site.locality,
        latitude: site.position?.latitude ?? null,
        longitude: site.position?.longitude ?? null,
      })
      .onConflict((oc) => oc.column('site_id').doNothing())
      .execute();
    await db(em)
      .insertInto('catalogue_location')
      .values(site.locationIds.map((id) => ({ location_id: id, site_id: site.siteId })))
      .onConflict((oc) => oc.column('location_id').doNothing())
      .execute();
  }

  /** The goods a site places, locked in id order (the order every refresh locks in). */
  async lockGoodsOfSite(em: EntityManager, siteId: string): Promise<string[]> {
    const { rows } = await sql<{ good_id: string }>`
      SELECT good_id FROM catalogue_good
       WHERE good_id IN (
         SELECT s.good_id FROM catalogue_stock s
           JOIN catalogue_location l ON l.location_id = s.location_id
          WHERE l.site_id = ${siteId})
          OR described_site_id = ${siteId}
       ORDER BY good_id
         FOR UPDATE`.execute(db(em));
    return rows.map((r) => r.good_id);
  }

  /** The good's row, made if missing, and locked: what follows for this good waits its turn. */
  async lockGood(em: EntityManager, goodId: string, kind: 'item' | 'lot', unit: string) {
    await db(em)
      .insertInto('catalogue_good')
      .values({ good_id: goodId, kind, unit, attributes: '{}' })
      .onConflict((oc) => oc.column('good_id').doNothing())
      .execute();
    await db(em)
      .selectFrom('catalogue_good')
      .select('good_id')
      .where('good_id', '=', goodId)
      .forUpdate()
      .execute();
  }

  /** Counts the movement into the stock that can be held; false if it was counted before. */
  async recordMovement(em: EntityManager, movement: MovementFacts): Promise<boolean> {
    const fresh = await db(em)
      .insertInto('catalogue_movement')
      .values({ movement_id: movement.movementId, good_id: movement.goodId })
      .onConflict((oc) => oc.column('movement_id').doNothing())
      .returning('movement_id')
      .executeTakeFirst();
    if (!fresh) return false;
    if (movement.from)
      await this.addStock(em, movement.goodId, movement.from.locationId, `-${movement.quantity}`);
    if (movement.to)
      await this.addStock(em, movement.goodId, movement.to.locationId, movement.quantity);
    return true;
  }

  private async addStock(em: EntityManager, goodId: string, locationId: string, delta: string) {
    // Movements may be counted out of order: a place may go below zero until the rest arrive.
    await sql`
      INSERT INTO catalogue_stock AS s (good_id, location_id, quantity)
      VALUES (${goodId}, ${locationId}, ${delta}::numeric)
      ON CONFLICT (good_id, location_id) DO UPDATE SET quantity = s.quantity + EXCLUDED.quantity`.execute(
      db(em),
    );
    await db(em)
      .deleteFrom('catalogue_stock')
      .where('good_id', '=', goodId)
      .where('location_id', '=', locationId)
      .where('quantity', '=', '0')
      .execute();
  }

  /** Keeps the item's description if it is newer than the one kept. */
  async describeItem(em: EntityManager, item: ItemFacts): Promise<void> {
    await db(em)
      .updateTable('catalogue_good')
      .set({
        described_version: item.version,
        described_at: item.at,
        described_site_id: item.siteId,
        iso_class: item.isoClass,
        category: item.category,
        make: item.make,
        model: item.model,
        attributes: JSON.stringify(item.attributes),
      })
      .where('good_id', '=', item.goodId)
      .where((eb) =>
        eb.or([eb('described_version', '<', item.version), eb('described_at', 'is', null)]),
      )
      .execute();
  }

  /** Keeps the lot's offer if it is newer than the one kept, and its window likewise. */
  async describeLot(em: EntityManager, lot: LotFacts): Promise<void> {
    await db(em)
      .updateTable('catalogue_good')
      .set({
        described_version: lot.version,
        described_at: lot.at,
        described_site_id: lot.siteId,
        offered_organisation_id: lot.organisationId,
        unit: lot.unit,
        material_family: lot.materialFamily,
        condition_grade: lot.conditionGrade,
        estimated: lot.estimated,
      })
      .where('good_id', '=', lot.goodId)
      .where((eb) =>
        eb.or([eb('described_version', '<', lot.version), eb('described_at', 'is', null)]),
      )
      .execute();
    await this.setWindow(em, lot.goodId, lot.version, lot.availableFrom, lot.mustBeGoneBy);
  }

  async setWindow(
    em: EntityManager,
    goodId: string,
    version: number,
    availableFrom: string,
    mustBeGoneBy: string,
  ): Promise<void> {
    await db(em)
      .updateTable('catalogue_good')
      .set({
        window_version: version,
        available_from: availableFrom,
        must_be_gone_by: mustBeGoneBy,
      })
      .where('good_id', '=', goodId)
      .where((eb) => eb.or([eb('window_version', '<', version), eb('must_be_gone_by', 'is', null)]))
      .execute();
  }

  /**
   * Derives the goods' rows from the facts as they stand: how much can be held, the site
   * holding the most of it (else the one it was described at), that site's member and
   * position, and whether it is listed (described, with something to hold). Answers the
   * goods listed now that were not before.
   */
  async refresh(em: EntityManager, goodIds: readonly string[]): Promise<string[]> {
    if (goodIds.length === 0) return [];
    const { rows } = await sql<{ good_id: string }>`
      UPDATE catalogue_good g SET
        available_quantity = greatest(d.available, 0),
        site_id = d.site_id,
        organisation_id = coalesce(s.organisation_id, g.offered_organisation_id),
        locality = s.locality,
        latitude = s.latitude,
        longitude = s.longitude,
        listed = g.described_at IS NOT NULL AND d.available > 0
      FROM (
        SELECT g2.good_id, g2.listed AS was_listed,
               coalesce((SELECT sum(st.quantity) FROM catalogue_stock st
                          WHERE st.good_id = g2.good_id), 0) AS available,
               coalesce((SELECT l.site_id FROM catalogue_stock st
                           JOIN catalogue_location l ON l.location_id = st.location_id
                          WHERE st.good_id = g2.good_id AND st.quantity > 0
                          ORDER BY st.quantity DESC, st.location_id
                          LIMIT 1), g2.described_site_id) AS site_id
          FROM catalogue_good g2
         WHERE g2.good_id = ANY(${[...goodIds]}::uuid[])
      ) d
      LEFT JOIN catalogue_site s ON s.site_id = d.site_id
      WHERE g.good_id = d.good_id
      RETURNING g.good_id, g.listed AND NOT d.was_listed AS became_listed`.execute(db(em));
    return rows
      .filter((r) => (r as { became_listed?: boolean }).became_listed)
      .map((r) => r.good_id);
  }
}
