import type { RpcAccess } from '@boucle/messaging';

/*
 * Who may call each of matching's commands and queries, by role. Which objects is the
 * service's rule: a beneficiary reaches only their own needs, a social worker (an operator
 * of a member) those of the beneficiaries their member acts for, a firm or village its own
 * wanted list, the coordinator the whole cluster; another's need is answered as not found.
 * PERMISSIONS.md is read off the handlers; a test checks every cell against the service.
 */

/** The catalogue names no person: whoever may take a good may search it. */
export const CATALOGUE_READERS: RpcAccess = {
  roles: ['operator', 'refurbisher', 'firm', 'shop', 'beneficiary', 'coordinator'],
};

/** Who states needs: beneficiaries and those acting for them, members wanting materials. */
export const NEED_KEEPERS: RpcAccess = {
  roles: ['beneficiary', 'operator', 'firm', 'coordinator'],
};

/** The right to erasure: the person, the member acting for them, the coordinator. */
export const ERASERS: RpcAccess = { roles: ['beneficiary', 'operator', 'coordinator'] };

/** A good's line: the staff of the good's member, the coordinator. */
export const PROPOSAL_READERS: RpcAccess = {
  roles: ['operator', 'refurbisher', 'firm', 'coordinator'],
};

/** Social priority is the cluster's call. */
export const PRIORITY_SETTERS: RpcAccess = { roles: ['coordinator'] };

/** Reservations are asked and let go by those who may see the need. */
export const RESERVERS: RpcAccess = NEED_KEEPERS;

/** …and followed by them and by the staff of the good's member, who approve aids. */
export const RESERVATION_READERS: RpcAccess = {
  roles: ['beneficiary', 'operator', 'refurbisher', 'firm', 'coordinator'],
};

/** Medical aids go to a person once the staff of the aid's member (or the coordinator) agree. */
export const APPROVERS: RpcAccess = { roles: ['operator', 'refurbisher', 'coordinator'] };
