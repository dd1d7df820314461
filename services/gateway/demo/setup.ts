import { InventoryRpc } from '@boucle/contracts';
import {
  atelierCertificate,
  DEVICE_MODELS,
  MEMBERS,
  PEOPLE,
  SITE_REGISTRARS,
  SITES,
  type DeviceModelKey,
  type MemberKey,
  type PersonKey,
  type SiteKey,
} from './amiens.dataset.js';
import { keyOfBody, type DemoSession, type Person } from './session.js';

export interface RegisteredSite {
  siteId: string;
  /** Location ids by the names the data set gives them. */
  locations: Record<string, string>;
}

/** The cluster as registered: the ids the scenarios act on. */
export interface Cluster {
  organisations: Record<MemberKey, string>;
  sites: Record<SiteKey, RegisteredSite>;
  people: Record<PersonKey, Person>;
  certificateId: string;
  deviceModels: Record<DeviceModelKey, { version: number }>;
  /** The cluster's day (Europe/Paris) when it was registered: what dates people type are. */
  today: string;
}

/** The day in Paris, `2026-12-01`, as people of the cluster write dates. */
export function parisDay(at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at);
}

/**
 * The coordinator registers the members, the device models and the workshop's certificate;
 * each member's people register their own sites. Each request's Idempotency-Key is made from
 * its body, so that playing the demonstration again on the same system replays these (the
 * same members, sites and certificate) instead of registering the cluster twice.
 */
export async function registerCluster(session: DemoSession): Promise<Cluster> {
  session.section('Jeu de données : le pôle d’Amiens Métropole');
  const today = parisDay();
  const coordinatrice: Person = {
    ...PEOPLE.coordinatrice,
    organisationId: null,
  };

  const organisations = {} as Record<MemberKey, string>;
  for (const [key, member] of Object.entries(MEMBERS) as [
    MemberKey,
    (typeof MEMBERS)[MemberKey],
  ][]) {
    const body = { name: member.name, kind: member.kind };
    const { organisationId } = await session.command(InventoryRpc.registerOrganisation, {
      who: coordinatrice,
      what: `inscrit « ${member.name} » (${member.kind} : ${member.role})`,
      path: '/v1/organisations',
      body,
      idempotencyKey: keyOfBody('organisation', body),
    });
    organisations[key] = organisationId;
  }

  const people = {} as Record<PersonKey, Person>;
  for (const [key, person] of Object.entries(PEOPLE) as [PersonKey, (typeof PEOPLE)[PersonKey]][]) {
    people[key] = {
      userId: person.userId,
      role: person.role,
      organisationId: person.member === null ? null : organisations[person.member],
      label: person.label,
    };
  }

  const sites = {} as Record<SiteKey, RegisteredSite>;
  for (const [key, site] of Object.entries(SITES) as [SiteKey, (typeof SITES)[SiteKey]][]) {
    const body = {
      organisationId: organisations[site.member],
      name: site.name,
      kind: site.kind,
      locality: site.locality,
      position: site.position,
      locations: site.locations,
    };
    const answer = await session.command(InventoryRpc.registerSite, {
      who: people[SITE_REGISTRARS[key]],
      what: `déclare le site « ${site.name} » (${site.kind}, ${site.position.latitude}° N ${site.position.longitude}° E, ${site.place}) et ${site.locations.length === 1 ? 'son emplacement' : `ses ${site.locations.length} emplacements`}`,
      path: '/v1/sites',
      body,
      idempotencyKey: keyOfBody('site', body),
    });
    sites[key] = {
      siteId: answer.siteId,
      locations: Object.fromEntries(answer.locations.map((l) => [l.name, l.id])),
    };
  }

  const deviceModels = {} as Record<DeviceModelKey, { version: number }>;
  for (const [key, model] of Object.entries(DEVICE_MODELS) as [
    DeviceModelKey,
    (typeof DEVICE_MODELS)[DeviceModelKey],
  ][]) {
    const body = {
      make: model.make,
      model: model.model,
      isoClass: model.isoClass,
      lifetimeYears: model.lifetimeYears,
      checklist: model.checklist,
      instructionsRef: model.instructionsRef,
    };
    const { version } = await session.command(InventoryRpc.registerDeviceModel, {
      who: coordinatrice,
      what: `référence le modèle ${model.label} (ISO ${model.isoClass}, ${model.lifetimeYears} ans, ${model.checklist.length} points de contrôle)`,
      path: '/v1/device-models',
      body,
      idempotencyKey: keyOfBody('device-model', body),
      outcome: (answer) => `version ${answer.version}`,
    });
    deviceModels[key] = { version };
  }

  const certificate = atelierCertificate(today);
  const certificateBody = {
    siteId: sites[certificate.site].siteId,
    reference: certificate.reference,
    validFrom: certificate.validFrom,
    validUntil: certificate.validUntil,
  };
  const { certificateId } = await session.command(InventoryRpc.recordCertificate, {
    who: coordinatrice,
    what: `enregistre le certificat ${certificate.reference} de l’${SITES[certificate.site].name} (valide du ${certificate.validFrom} au ${certificate.validUntil})`,
    path: '/v1/certificates',
    body: certificateBody,
    idempotencyKey: keyOfBody('certificate', certificateBody),
  });

  return { organisations, sites, people, certificateId, deviceModels, today };
}
