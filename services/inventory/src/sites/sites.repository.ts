import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import type { Actor, GeoPoint } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type SiteTable } from '../database/schema.js';

export interface Site {
  id: string;
  organisationId: string;
  name: string;
  kind: string;
  locality: string;
  position: GeoPoint | null;
}

export interface CentreCertificate {
  id: string;
  siteId: string;
  reference: string;
  validFrom: string;
  validUntil: string;
}

/** A centre certificate as checked on a given day. */
export interface CertificateStanding {
  id: string;
  siteId: string;
  organisationId: string;
  reference: string;
  /** Whether the day asked about is within its validity. */
  validOn: boolean;
  revokedAt: string | null;
}

export interface DeviceModel {
  make: string;
  model: string;
  version: number;
  isoClass: string;
  lifetimeYears: number;
  checklist: string[];
  instructionsRef: string;
}

/** Member organisations, their sites and locations, centre certificates and device models. */
@Injectable()
export class SitesRepository {
  async insertOrganisation(
    em: EntityManager,
    organisation: { id: string; name: string; kind: string },
  ): Promise<void> {
    await db(em).insertInto('organisation').values(organisation).execute();
  }

  async organisationExists(em: EntityManager, id: string): Promise<boolean> {
    const row = await db(em)
      .selectFrom('organisation')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insertSite(em: EntityManager, site: Site): Promise<void> {
    await db(em)
      .insertInto('site')
      .values({
        id: site.id,
        organisation_id: site.organisationId,
        name: site.name,
        kind: site.kind,
        locality: site.locality,
        latitude: site.position?.latitude ?? null,
        longitude: site.position?.longitude ?? null,
      })
      .execute();
  }

  async insertLocations(
    em: EntityManager,
    siteId: string,
    locations: readonly { id: string; name: string }[],
  ): Promise<void> {
    if (locations.length === 0) return;
    await db(em)
      .insertInto('location')
      .values(locations.map((l) => ({ id: l.id, site_id: siteId, name: l.name })))
      .execute();
  }

  async findSite(em: EntityManager, id: string): Promise<Site | undefined> {
    const row = await db(em)
      .selectFrom('site')
      .select(SITE_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSite(row);
  }

  /**
   * A site, and the site a location is on (undefined when there is no such location), in one
   * read: a command that names both checks both, and each round trip costs more than the read.
   */
  async findSiteAndLocation(
    em: EntityManager,
    siteId: string,
    locationId: string,
  ): Promise<{ site: Site; locationSiteId: string | undefined } | undefined> {
    const row = await db(em)
      .selectFrom('site')
      .select(SITE_COLUMNS)
      .select((eb) =>
        eb
          .selectFrom('location')
          .select('location.site_id')
          .where('location.id', '=', locationId)
          .as('location_site_id'),
      )
      .where('site.id', '=', siteId)
      .executeTakeFirst();
    return row && { site: toSite(row), locationSiteId: row.location_site_id ?? undefined };
  }

  /** Members by name; one member only when `organisationId` is given. */
  async organisations(
    em: EntityManager,
    organisationId: string | null,
  ): Promise<{ id: string; name: string; kind: string }[]> {
    return db(em)
      .selectFrom('organisation')
      .select(['id', 'name', 'kind'])
      .$if(organisationId !== null, (q) => q.where('id', '=', organisationId!))
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  /** A member's sites (every member's for null), each with its locations, by name. */
  async sites(
    em: EntityManager,
    organisationId: string | null,
  ): Promise<(Site & { locations: { id: string; name: string }[] })[]> {
    const sites = await db(em)
      .selectFrom('site')
      .select(SITE_COLUMNS)
      .$if(organisationId !== null, (q) => q.where('organisation_id', '=', organisationId!))
      .orderBy('name')
      .orderBy('id')
      .execute();
    const locations =
      sites.length === 0
        ? []
        : await db(em)
            .selectFrom('location')
            .select(['id', 'site_id', 'name'])
            .where(
              'site_id',
              'in',
              sites.map((s) => s.id),
            )
            .orderBy('name')
            .execute();
    return sites.map((row) => ({
      ...toSite(row),
      locations: locations
        .filter((l) => l.site_id === row.id)
        .map((l) => ({ id: l.id, name: l.name })),
    }));
  }

  /** A site's certificates, newest first, with whether each holds on `day`. */
  async certificates(
    em: EntityManager,
    siteId: string,
    day: string,
  ): Promise<
    {
      id: string;
      reference: string;
      validFrom: string;
      validUntil: string;
      revokedAt: string | null;
      valid: boolean;
    }[]
  > {
    const rows = await db(em)
      .selectFrom('centre_certificate as c')
      .select((eb) => [
        'c.id',
        'c.reference',
        'c.valid_from',
        'c.valid_until',
        'c.revoked_at',
        eb
          .and([
            eb.between(sql<string>`${day}::date`, eb.ref('c.valid_from'), eb.ref('c.valid_until')),
            eb('c.revoked_at', 'is', null),
          ])
          .$castTo<boolean>()
          .as('valid'),
      ])
      .where('c.site_id', '=', siteId)
      .orderBy('c.valid_from', 'desc')
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      revokedAt: r.revoked_at,
      valid: r.valid,
    }));
  }

  /** Where a location is and who owns it. */
  async findLocation(
    em: EntityManager,
    id: string,
  ): Promise<{ siteId: string; organisationId: string } | undefined> {
    const row = await db(em)
      .selectFrom('location as l')
      .innerJoin('site as s', 's.id', 'l.site_id')
      .select(['l.site_id', 's.organisation_id'])
      .where('l.id', '=', id)
      .executeTakeFirst();
    return row && { siteId: row.site_id, organisationId: row.organisation_id };
  }

  async insertCertificate(em: EntityManager, certificate: CentreCertificate): Promise<void> {
    await db(em)
      .insertInto('centre_certificate')
      .values({
        id: certificate.id,
        site_id: certificate.siteId,
        reference: certificate.reference,
        valid_from: certificate.validFrom,
        valid_until: certificate.validUntil,
      })
      .execute();
  }

  /**
   * A centre certificate, which site and organisation hold it, whether `day` is within
   * its validity and whether it was revoked; `forUpdate` locks it (a revocation).
   */
  async findCertificate(
    em: EntityManager,
    id: string,
    day: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<CertificateStanding | undefined> {
    const row = await db(em)
      .selectFrom('centre_certificate as c')
      .innerJoin('site as s', 's.id', 'c.site_id')
      .select((eb) => [
        'c.id',
        'c.site_id',
        's.organisation_id',
        'c.reference',
        'c.revoked_at',
        eb
          .between(sql<string>`${day}::date`, eb.ref('c.valid_from'), eb.ref('c.valid_until'))
          .$castTo<boolean>()
          .as('valid_on'),
      ])
      .where('c.id', '=', id)
      .$if(options.forUpdate === true, (q) => q.forUpdate('c'))
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        siteId: row.site_id,
        organisationId: row.organisation_id,
        reference: row.reference,
        validOn: row.valid_on,
        revokedAt: row.revoked_at,
      }
    );
  }

  /** Marks the certificate revoked; answers when, by the database's clock. */
  async revokeCertificate(
    em: EntityManager,
    id: string,
    revocation: { reason: string; actor: Actor },
  ): Promise<string> {
    const row = await db(em)
      .updateTable('centre_certificate')
      .set({
        revoked_at: sql<string>`clock_timestamp()`,
        revocation_reason: revocation.reason,
        revoked_by: JSON.stringify(revocation.actor),
      })
      .where('id', '=', id)
      .returning('revoked_at')
      .executeTakeFirstOrThrow();
    return row.revoked_at!;
  }

  /**
   * Records a new version of a model (the first, or one after the current) and makes it
   * current; the model's row is locked meanwhile, so two curators never write one
   * version twice. Returns the version.
   */
  async recordDeviceModelVersion(
    em: EntityManager,
    model: Omit<DeviceModel, 'version'>,
    actor: Actor,
  ): Promise<number> {
    const current = await db(em)
      .selectFrom('device_model')
      .select('version')
      .where('make', '=', model.make)
      .where('model', '=', model.model)
      .forUpdate()
      .executeTakeFirst();
    const version = (current?.version ?? 0) + 1;
    const values = {
      make: model.make,
      model: model.model,
      version,
      iso_class: model.isoClass,
      lifetime_years: model.lifetimeYears,
      checklist: JSON.stringify(model.checklist),
      instructions_ref: model.instructionsRef,
    };
    await db(em)
      .insertInto('device_model_version')
      .values({ ...values, recorded_by: JSON.stringify(actor) })
      .execute();
    await db(em)
      .insertInto('device_model')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['make', 'model']).doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          iso_class: eb.ref('excluded.iso_class'),
          lifetime_years: eb.ref('excluded.lifetime_years'),
          checklist: eb.ref('excluded.checklist'),
          instructions_ref: eb.ref('excluded.instructions_ref'),
        })),
      )
      .execute();
    return version;
  }

  /** The current version of a model, or the given one. */
  async findDeviceModel(
    em: EntityManager,
    make: string,
    model: string,
    version?: number,
  ): Promise<DeviceModel | undefined> {
    const row = await db(em)
      .selectFrom('device_model_version')
      .selectAll()
      .where('make', '=', make)
      .where('model', '=', model)
      .where(
        'version',
        '=',
        version ??
          db(em)
            .selectFrom('device_model')
            .select('version')
            .where('make', '=', make)
            .where('model', '=', model),
      )
      .executeTakeFirst();
    return (
      row && {
        make: row.make,
        model: row.model,
        version: row.version,
        isoClass: row.iso_class,
        lifetimeYears: row.lifetime_years,
        checklist: row.checklist,
        instructionsRef: row.instructions_ref,
      }
    );
  }
}

const SITE_COLUMNS = [
  'site.id',
  'site.organisation_id',
  'site.name',
  'site.kind',
  'site.locality',
  'site.latitude',
  'site.longitude',
] as const;

function toSite(row: Omit<Selectable<SiteTable>, 'created_at'>): Site {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    kind: row.kind,
    locality: row.locality,
    position:
      row.latitude === null || row.longitude === null
        ? null
        : { latitude: row.latitude, longitude: row.longitude },
  };
}
