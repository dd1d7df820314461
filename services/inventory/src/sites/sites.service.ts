import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type {
  RecordCertificateV1,
  RegisterDeviceModelV1,
  RegisterOrganisationV1,
  RegisterSiteV1,
  RevokeCertificateV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction } from '@boucle/messaging';
import { assertActsFor, assertOnlyRole, assertRole } from '../common/actor.js';
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
      });
      const locations = cmd.locations.map((name) => ({ id: randomUUID(), name }));
      await this.sitesRepository.insertLocations(em, siteId, locations);
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

  async loadSite(em: EntityManager, siteId: string): Promise<Site> {
    const site = await this.sitesRepository.findSite(em, siteId);
    if (!site) throw notFound('site', siteId);
    return site;
  }

  /** The location must exist and be on that site. */
  async assertLocationOnSite(em: EntityManager, locationId: string, siteId: string): Promise<void> {
    const location = await this.locationOwner(em, locationId);
    if (location.siteId !== siteId)
      throw validation('locationId', `location ${locationId} is not on site ${siteId}`);
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
