import type { SiteBody, SiteKind } from '../../../api/types';
import { Checks, lines, type Check } from '../../../shared/checks';
import { parseDecimal } from '../../../shared/numbers';

/** A site as the coordinator types it: its member, what it is, where, and its storage locations. */
export interface SiteDraft {
  organisationId: string;
  name: string;
  kind: SiteKind | '';
  locality: string;
  /** Decimal degrees (WGS 84), as a map or a phone gives them; both or neither. */
  latitude: string;
  longitude: string;
  /** One location a line: `Accueil`, `Atelier`, `Quai de chargement`. */
  locations: string;
}

export function emptySite(organisationId = ''): SiteDraft {
  return {
    organisationId,
    name: '',
    kind: '',
    locality: '',
    latitude: '',
    longitude: '',
    locations: '',
  };
}

export function toSiteRequest(draft: SiteDraft): { body: SiteBody } | { checks: Check[] } {
  const checks = new Checks();
  const organisationId = draft.organisationId || checks.fail('organisationId', 'rule.choose');
  const name = checks.text('name', draft.name);
  const kind = checks.choice('kind', draft.kind);
  const locality = checks.text('locality', draft.locality);
  const position = positionOf(checks, draft);
  const locations = lines(draft.locations);
  if (!locations.length) checks.fail('locations', 'rule.minItems', { min: 1 });
  else if (locations.length > 200) checks.fail('locations', 'rule.maxItems', { max: 200 });
  else if (locations.some((l) => l.length > 100))
    checks.fail('locations', 'rule.maxLength', { max: 100 });
  else if (new Set(locations.map((l) => l.toLowerCase())).size !== locations.length)
    checks.fail('locations', 'rule.duplicateLocation');
  if (!checks.ok) return { checks: checks.found };
  return {
    body: {
      organisationId: organisationId!,
      name: name!,
      kind: kind!,
      locality: locality!,
      ...(position ? { position } : {}),
      locations,
    },
  };
}

function positionOf(
  checks: Checks,
  draft: SiteDraft,
): { latitude: number; longitude: number } | undefined {
  const lat = draft.latitude.trim();
  const long = draft.longitude.trim();
  if (!lat && !long) return undefined;
  const degrees = (path: string, text: string, max: number) => {
    if (!text) return checks.fail(path, 'rule.bothOrNone');
    const value = parseDecimal(text);
    if (value === undefined) return checks.fail(path, 'rule.number');
    if (Math.abs(value) > max) return checks.fail(path, 'rule.degrees', { max });
    return value;
  };
  const latitude = degrees('position.latitude', lat, 90);
  const longitude = degrees('position.longitude', long, 180);
  return latitude === undefined || longitude === undefined ? undefined : { latitude, longitude };
}
