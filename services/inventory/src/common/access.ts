import type { RpcAccess } from '@boucle/messaging';

/*
 * Who may call each of inventory's commands and queries, by role. Which objects is the
 * services' rule: a member's people act on their own organisation's sites and goods
 * (another member's are answered as not found), the coordinator on the whole cluster.
 * The permission table (PERMISSIONS.md) is read off the handlers; a test checks every
 * cell against the running service.
 */

/** The coordinator alone: members, certificates, device models. */
export const COORDINATOR: RpcAccess = { roles: ['coordinator'] };

/** Every person of a member (and the coordinator): who the cluster's members are is no secret among them. */
export const MEMBERS: RpcAccess = {
  roles: ['operator', 'refurbisher', 'driver', 'firm', 'shop', 'coordinator'],
};

/** Whoever works with a member's stock sees it. */
export const STOCK_READERS: RpcAccess = {
  roles: ['operator', 'refurbisher', 'driver', 'firm', 'shop', 'coordinator'],
};

/** Weighing in and moving stock at a reuse village or a workshop. */
export const STOCK_KEEPERS: RpcAccess = { roles: ['operator', 'refurbisher', 'coordinator'] };

/** Plain moves along a lifecycle: a village's or workshop's people, a firm for its lots. */
export const MOVERS: RpcAccess = { roles: ['operator', 'refurbisher', 'firm', 'coordinator'] };

/** The refurbishment gates of medical aids. */
export const WORKSHOP: RpcAccess = { roles: ['refurbisher', 'operator', 'coordinator'] };

/** NF S97-414: only a refurbisher certifies an aid. */
export const REFURBISHER: RpcAccess = { roles: ['refurbisher'] };

/** Holds for takers: a village's operator, a firm for its lots, the coordinator. */
export const HOLDERS: RpcAccess = { roles: ['operator', 'firm', 'coordinator'] };

/** A construction firm's lots, or a village's operator offering on its behalf. */
export const LOT_OFFERERS: RpcAccess = { roles: ['firm', 'operator', 'coordinator'] };

/** Members registering their own sites. */
export const SITE_KEEPERS: RpcAccess = { roles: ['operator', 'firm', 'shop', 'coordinator'] };

/** The tonnage report: a member's own sites, or the cluster for the coordinator. */
export const REPORT_READERS: RpcAccess = { roles: ['operator', 'firm', 'coordinator'] };
