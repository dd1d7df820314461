import { api, unwrap } from '../../api/client';
import type { Certificate, DeviceModel, Organisation, Site } from '../../api/types';

/**
 * The cluster's directory as the gateway answers it to the person signed in: the members
 * they may see (every one for the coordinator, their own otherwise), their sites with the
 * locations people pick from, a site's certificates, a device model as certified now.
 */
export async function loadOrganisations(): Promise<Organisation[]> {
  return (await unwrap(api.GET('/v1/organisations'))).data.organisations;
}

export async function loadSites(organisationId?: string): Promise<Site[]> {
  return (
    await unwrap(
      api.GET('/v1/sites', {
        params: { query: organisationId ? { organisationId } : {} },
      }),
    )
  ).data.sites;
}

export async function loadCertificates(siteId: string): Promise<Certificate[]> {
  return (await unwrap(api.GET('/v1/certificates', { params: { query: { siteId } } }))).data
    .certificates;
}

export async function loadDeviceModel(make: string, model: string): Promise<DeviceModel> {
  return (await unwrap(api.GET('/v1/device-models', { params: { query: { make, model } } }))).data;
}

/** Sites by name, as pickers list them; the same name at two members is told apart by its locality. */
export function bySiteName(a: Site, b: Site): number {
  return a.name.localeCompare(b.name, 'fr') || a.locality.localeCompare(b.locality, 'fr');
}
