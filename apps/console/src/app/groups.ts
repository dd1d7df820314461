import type { MessageKey } from '../i18n/fr';
import type { Role } from '../session/session';

/**
 * The people of the cluster the console has views for, each a feature folder
 * (`features/<group>/`) with its routes and its pages. A group lists the roles that
 * may use its views and what its navigation shows. The console knows a person's role and
 * member, not the member's kind: an operator sees the needs' pages (a social service's
 * social worker) and the approvals (a workshop's or reuse village's staff), the API
 * answering each for their own member.
 */
export interface UserGroup {
  id:
    | 'operator'
    | 'refurbisher'
    | 'social'
    | 'approvals'
    | 'firm'
    | 'shop'
    | 'driver'
    | 'coordinator';
  name: MessageKey;
  roles: readonly Role[];
  /** Where a person of this group starts. */
  home: string;
  /** `end`: active on that page only, not on the pages under it. */
  nav: readonly { to: string; label: MessageKey; end?: true }[];
  /** Its pages read the device's workstation (the counter's site, the workshop's certificate). */
  workstation?: true;
}

export const OPERATOR: UserGroup = {
  id: 'operator',
  name: 'group.operator',
  // The coordinator may record intake anywhere in the cluster.
  roles: ['operator', 'coordinator'],
  home: '/intake',
  workstation: true,
  nav: [
    { to: '/intake', label: 'nav.intake' },
    { to: '/stock', label: 'nav.stock' },
  ],
};

export const REFURBISHER: UserGroup = {
  id: 'refurbisher',
  name: 'group.refurbisher',
  // Operators may record every gate but certification; they see the workshop too.
  roles: ['refurbisher', 'operator'],
  home: '/workshop',
  workstation: true,
  nav: [{ to: '/workshop', label: 'nav.workshop' }],
};

/** Beneficiaries and the social workers acting for them: needs for a medical aid, reserved. */
export const SOCIAL: UserGroup = {
  id: 'social',
  name: 'group.social',
  roles: ['beneficiary', 'operator'],
  home: '/needs',
  nav: [{ to: '/needs', label: 'nav.needs' }],
};

/** The staff of a workshop or a reuse village: the held aids waiting for their approval. */
export const APPROVALS: UserGroup = {
  id: 'approvals',
  name: 'group.approvals',
  roles: ['operator', 'refurbisher'],
  home: '/approvals',
  nav: [{ to: '/approvals', label: 'nav.approvals' }],
};

export const FIRM: UserGroup = {
  id: 'firm',
  name: 'group.firm',
  roles: ['firm'],
  home: '/firm/lots',
  nav: [
    { to: '/firm/lots', label: 'nav.lots' },
    { to: '/firm/offer', label: 'nav.offer' },
    { to: '/firm/wanted', label: 'nav.wanted' },
    { to: '/firm/pickups', label: 'nav.pickups' },
  ],
};

export const SHOP: UserGroup = {
  id: 'shop',
  name: 'group.shop',
  roles: ['shop'],
  home: '/shop',
  nav: [
    { to: '/shop', label: 'nav.crates', end: true },
    { to: '/shop/pickups', label: 'nav.pickups' },
  ],
};

export const DRIVER: UserGroup = {
  id: 'driver',
  name: 'group.driver',
  roles: ['driver'],
  home: '/driver',
  nav: [{ to: '/driver', label: 'nav.round' }],
};

export const COORDINATOR: UserGroup = {
  id: 'coordinator',
  name: 'group.coordinator',
  roles: ['coordinator'],
  home: '/coordination',
  // Its pages have their own navigation (tonnage, members, sites, certificates, models).
  nav: [{ to: '/coordination', label: 'nav.coordination' }],
};

export const GROUPS: readonly UserGroup[] = [
  OPERATOR,
  REFURBISHER,
  SOCIAL,
  APPROVALS,
  FIRM,
  SHOP,
  DRIVER,
  COORDINATOR,
];

/** The groups a role uses, its own first (the coordinator's before the counter's it shares). */
export function groupsOf(role: Role): UserGroup[] {
  const groups = GROUPS.filter((group) => group.roles.includes(role));
  return [...groups.filter((g) => g.id === role), ...groups.filter((g) => g.id !== role)];
}

/** Where a person starts: the first group of their role (their own before shared ones). */
export function homeOf(role: Role): string | undefined {
  const own = GROUPS.find((group) => group.id === role);
  return (own ?? groupsOf(role)[0])?.home;
}
