import type { OrganisationKind, SiteKind } from '../../api/types';

/** The kinds inventory knows (libs/contracts ORGANISATION_KINDS, SITE_KINDS), in the order offered. */
export const ORGANISATION_KINDS: readonly OrganisationKind[] = [
  'reuse-village',
  'workshop',
  'construction-firm',
  'shop',
  'producer',
  'social-service',
  'coordination',
];

export const SITE_KINDS: readonly SiteKind[] = [
  'reuse-village',
  'workshop',
  'partner-shop',
  'washing-centre',
  'construction-site',
];
