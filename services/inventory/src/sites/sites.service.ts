import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type {
  RecordCertificateV1,
  RegisterDeviceModelV1,
  RegisterOrganisationV1,
  RegisterSiteV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction } from '@boucle/messaging';
import { assertActsFor, assertRole } from '../common/actor.js';
import { notFound, validation } from '../common/errors.js';

export interface SiteRow {
  id: string;
  organisation_id: string;
  name: string;
  kind: string;
  locality: string;
}

/** Members of the cluster, their sites and locations, centre certificates and device models. */
@Injectable()
export class SitesService {
  constructor(@Inject(MikroORM) private readonly orm: MikroORM) {}

  async registerOrganisation(
    cmd: z.output<typeof RegisterOrganisationV1>,
  ): Promise<{ organisationId: string }> {
    assertRole(cmd.actor, ['coordinator'], 'registering a member organisation');
    const id = randomUUID();
    return inTransaction(this.orm, async (em) => {
      await em.execute('INSERT INTO organisation (id, name, kind) VALUES (?, ?, ?)', [
        id,
        cmd.name,
        cmd.kind,
      ]);
      return { organisationId: id };
    });
  }

  async registerSite(
    cmd: z.output<typeof RegisterSiteV1>,
  ): Promise<{ siteId: string; locations: { id: string; name: string }[] }> {
    assertActsFor(cmd.actor, cmd.organisationId, `organisation ${cmd.organisationId}`);
    if (new Set(cmd.locations).size !== cmd.locations.length) {
      throw validation('locations', 'location names must be unique within a site');
    }
    return inTransaction(this.orm, async (em) => {
      const [org] = await em.execute('SELECT id FROM organisation WHERE id = ?', [
        cmd.organisationId,
      ]);
      if (!org) throw notFound('organisation', cmd.organisationId);
      const siteId = randomUUID();
      await em.execute(
        'INSERT INTO site (id, organisation_id, name, kind, locality) VALUES (?, ?, ?, ?, ?)',
        [siteId, cmd.organisationId, cmd.name, cmd.kind, cmd.locality],
      );
      const locations = cmd.locations.map((name) => ({ id: randomUUID(), name }));
      for (const location of locations) {
        await em.execute('INSERT INTO location (id, site_id, name) VALUES (?, ?, ?)', [
          location.id,
          siteId,
          location.name,
        ]);
      }
      return { siteId, locations };
    });
  }

  async recordCertificate(
    cmd: z.output<typeof RecordCertificateV1>,
  ): Promise<{ certificateId: string }> {
    if (cmd.validUntil <= cmd.validFrom) throw validation('validUntil', 'must be after validFrom');
    return inTransaction(this.orm, async (em) => {
      const site = await this.loadSite(em, cmd.siteId);
      assertActsFor(cmd.actor, site.organisation_id, `site ${site.id}`);
      const id = randomUUID();
      await em.execute(
        'INSERT INTO centre_certificate (id, site_id, reference, valid_from, valid_until) VALUES (?, ?, ?, ?, ?)',
        [id, site.id, cmd.reference, cmd.validFrom, cmd.validUntil],
      );
      return { certificateId: id };
    });
  }

  async registerDeviceModel(
    cmd: z.output<typeof RegisterDeviceModelV1>,
  ): Promise<{ make: string; model: string }> {
    assertRole(cmd.actor, ['refurbisher', 'operator'], 'registering a device model');
    if (new Set(cmd.checklist).size !== cmd.checklist.length) {
      throw validation('checklist', 'steps must be unique');
    }
    return inTransaction(this.orm, async (em) => {
      await em.execute(
      `INSERT INTO device_model (make, model, iso_class, lifetime_years, checklist, instructions_ref)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (make, model) DO UPDATE SET iso_class = EXCLUDED.iso_class,
         lifetime_years = EXCLUDED.lifetime_years, checklist = EXCLUDED.checklist,
         instructions_ref = EXCLUDED.instructions_ref`,
      [
        cmd.make,
        cmd.model,
        cmd.isoClass,
        cmd.lifetimeYears,
        JSON.stringify(cmd.checklist),
        cmd.instructionsRef,
      ],
      );
      return { make: cmd.make, model: cmd.model };
    });
  }

  async loadSite(em: EntityManager, siteId: string): Promise<SiteRow> {
    const [site] = await em.execute<SiteRow[]>('SELECT * FROM site WHERE id = ?', [siteId]);
    if (!site) throw notFound('site', siteId);
    return site;
  }

  /** The location must exist and be on that site. */
  async assertLocationOnSite(em: EntityManager, locationId: string, siteId: string): Promise<void> {
    const [location] = await em.execute<{ site_id: string }[]>(
      'SELECT site_id FROM location WHERE id = ?',
      [locationId],
    );
    if (!location) throw notFound('location', locationId);
    if (location.site_id !== siteId)
      throw validation('locationId', `location ${locationId} is not on site ${siteId}`);
  }

  /** Where a location is and who owns it. */
  async locationOwner(
    em: EntityManager,
    locationId: string,
  ): Promise<{ siteId: string; organisationId: string }> {
    const [row] = await em.execute<{ site_id: string; organisation_id: string }[]>(
      'SELECT l.site_id, s.organisation_id FROM location l JOIN site s ON s.id = l.site_id WHERE l.id = ?',
      [locationId],
    );
    if (!row) throw notFound('location', locationId);
    return { siteId: row.site_id, organisationId: row.organisation_id };
  }
}
