import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  type GetDeviceModelV1,
  InventorySiteRegisteredV1,
  type ListCertificatesV1,
  type ListOrganisationsV1,
  type ListSitesV1,
  ORGANISATION_KINDS,
  SITE_KINDS,
  type RecordCertificateV1,
  type RegisterDeviceModelV1,
  type RegisterOrganisationV1,
  type RegisterSiteV1,
  type RevokeCertificateV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor, assertOnlyRole, assertRole, memberScope } from '../common/actor.js';
import { localToday } from '../common/dates.js';
import { invalidTransition, notFound, validation } from '../common/errors.js';
import { SitesRepository, type Site } from './sites.repository.js';

/** Members of the cluster, their sites and locations, centre certificates and device models. */
@Injectable()
export class SitesService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly sitesRepository: SitesRepository,
  ) {}

  async registerOrganisation(
    cmd: z.output<typeof RegisterOrganisationV1>,
  ): Promise<{ organisationId: string }> {
    assertRole(cmd.actor, ['coordinator'], 'registering a member organisation');
    const id = randomUUID();
    return inTransaction(this.orm, async (em) => {
      await this.sitesRepository.insertOrganisation(em, { id, name: cmd.name, kind: cmd.kind });
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
      if (!(await this.sitesRepository.organisationExists(em, cmd.organisationId)))
        throw notFound('organisation', cmd.organisationId);
      const siteId = randomUUID();
      await this.sitesRepository.insertSite(em, {
        id: siteId,
        organisationId: cmd.organisationId,
        name: cmd.name,
        kind: cmd.kind,
        locality: cmd.locality,
        position: cmd.position ?? null,
      });
      const locations = cmd.locations.map((name) => ({ id: randomUUID(), name }));
      await this.sitesRepository.insertLocations(em, siteId, locations);
      // Readers (matching's catalogue) learn where each location is from this event alone;
      // sites and locations have no command that changes them afterwards.
      await recordEvent(
        em,
        InventorySiteRegisteredV1,
        {
          siteId,
          organisationId: cmd.organisationId,
          kind: cmd.kind,
          locality: cmd.locality,
          position: cmd.position ?? null,
          locations,
        },
        { actor: cmd.actor },
      );
      return { siteId, locations };
    });
  }

  async recordCertificate(
    cmd: z.output<typeof RecordCertificateV1>,
  ): Promise<{ certificateId: string }> {
    // The trust chain starts with whoever governs the cluster, never with the centre itself.
    assertOnlyRole(cmd.actor, 'coordinator', 'recording a centre certificate');
    if (cmd.validUntil <= cmd.validFrom) throw validation('validUntil', 'must be after validFrom');
    return inTransaction(this.orm, async (em) => {
      const site = await this.loadSite(em, cmd.siteId);
      const id = randomUUID();
      await this.sitesRepository.insertCertificate(em, {
        id,
        siteId: site.id,
        reference: cmd.reference,
        validFrom: cmd.validFrom,
        validUntil: cmd.validUntil,
      });
      return { certificateId: id };
    });
  }

  async revokeCertificate(
    cmd: z.output<typeof RevokeCertificateV1>,
  ): Promise<{ certificateId: string; revokedAt: string }> {
    assertOnlyRole(cmd.actor, 'coordinator', 'revoking a centre certificate');
    return inTransaction(this.orm, async (em) => {
      const certificate = await this.sitesRepository.findCertificate(
        em,
        cmd.certificateId,
        localToday(),
        { forUpdate: true },
      );
      if (!certificate) throw notFound('centre certificate', cmd.certificateId);
      if (certificate.revokedAt) {
        throw invalidTransition(
          `centre certificate ${certificate.reference}`,
          'revoked',
          'revoked',
          [],
        );
      }
      const revokedAt = await this.sitesRepository.revokeCertificate(em, certificate.id, {
        reason: cmd.reason,
        actor: cmd.actor,
      });
      return { certificateId: certificate.id, revokedAt: new Date(revokedAt).toISOString() };
    });
  }

  async registerDeviceModel(
    cmd: z.output<typeof RegisterDeviceModelV1>,
  ): Promise<{ make: string; model: string; version: number }> {
    // Shared by the whole cluster: one member changing a checklist or a lifetime would
    // change what every workshop certifies against.
    assertOnlyRole(cmd.actor, 'coordinator', 'registering or changing a device model');
    if (new Set(cmd.checklist).size !== cmd.checklist.length) {
      throw validation('checklist', 'steps must be unique');
    }
    return inTransaction(this.orm, async (em) => {
      const version = await this.sitesRepository.recordDeviceModelVersion(
        em,
        {
          make: cmd.make,
          model: cmd.model,
          isoClass: cmd.isoClass,
          lifetimeYears: cmd.lifetimeYears,
          checklist: cmd.checklist,
          instructionsRef: cmd.instructionsRef,
        },
        cmd.actor,
      );
      return { make: cmd.make, model: cmd.model, version };
    });
  }

  async listOrganisations(query: z.output<typeof ListOrganisationsV1>) {
    const organisations = await this.sitesRepository.organisations(
      this.orm.em.fork(),
      memberScope(query.actor),
    );
    return {
      organisations: organisations.map((o) => ({
        ...o,
        kind: o.kind as (typeof ORGANISATION_KINDS)[number],
      })),
    };
  }

  async listSites(query: z.output<typeof ListSitesV1>) {
    const scope = memberScope(query.actor);
    // Another member's sites are answered as if that member did not exist.
    if (scope !== null && query.organisationId !== undefined && query.organisationId !== scope)
      throw notFound('organisation', query.organisationId);
    const sites = await this.sitesRepository.sites(
      this.orm.em.fork(),
      scope ?? query.organisationId ?? null,
    );
    return {
      sites: sites.map((s) => ({ ...s, kind: s.kind as (typeof SITE_KINDS)[number] })),
    };
  }

  async listCertificates(query: z.output<typeof ListCertificatesV1>) {
    const em = this.orm.em.fork();
    const site = await this.loadSite(em, query.siteId);
    assertActsFor(query.actor, site.organisationId, `site ${site.id}`);
    const certificates = await this.sitesRepository.certificates(em, site.id, localToday());
    return {
      certificates: certificates.map((c) => ({
        ...c,
        siteId: site.id,
        revokedAt: c.revokedAt === null ? null : new Date(c.revokedAt).toISOString(),
      })),
    };
  }

  /** Shared by the whole cluster, as every workshop certifies against it. */
  async getDeviceModel(query: z.output<typeof GetDeviceModelV1>) {
    const model = await this.sitesRepository.findDeviceModel(
      this.orm.em.fork(),
      query.make,
      query.model,
    );
    if (!model) throw notFound('device model', `${query.make} ${query.model}`);
    return model;
  }

  async loadSite(em: EntityManager, siteId: string): Promise<Site> {
    const site = await this.sitesRepository.findSite(em, siteId);
    if (!site) throw notFound('site', siteId);
    return site;
  }

  /** The location must exist and be on that site. */
  async assertLocationOnSite(em: EntityManager, locationId: string, siteId: string): Promise<void> {
    const location = await this.sitesRepository.findLocation(em, locationId);
    assertOnSite(locationId, location?.siteId, siteId);
  }

  /**
   * A site and a location that must be on it, read together; the location is judged by
   * `assertOnSite` once the caller has checked what it must check of the site first.
   */
  async loadSiteAndLocation(
    em: EntityManager,
    siteId: string,
    locationId: string,
  ): Promise<{ site: Site; locationSiteId: string | undefined }> {
    const found = await this.sitesRepository.findSiteAndLocation(em, siteId, locationId);
    if (!found) throw notFound('site', siteId);
    return found;
  }

  /** Where a location is and who owns it. */
  async locationOwner(
    em: EntityManager,
    locationId: string,
  ): Promise<{ siteId: string; organisationId: string }> {
    const location = await this.sitesRepository.findLocation(em, locationId);
    if (!location) throw notFound('location', locationId);
    return location;
  }
}

/** A location found on `locationSiteId` (undefined: not found) must be on `siteId`. */
export function assertOnSite(
  locationId: string,
  locationSiteId: string | undefined,
  siteId: string,
): void {
  if (locationSiteId === undefined) throw notFound('location', locationId);
  if (locationSiteId !== siteId)
    throw validation('locationId', `location ${locationId} is not on site ${siteId}`);
}
