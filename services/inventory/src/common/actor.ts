import type { Actor } from '@boucle/contracts';
import { forbidden, Refusal } from './errors.js';

/** Inventory itself, when a job or an event (not a person) changes stock. */
export const SYSTEM_ACTOR: Actor = { userId: 'inventory', role: 'system', organisationId: null };

/** Cluster-wide roles that act on any member's stock (the saga acts as `system`). */
const CLUSTER_ROLES: ReadonlySet<Actor['role']> = new Set(['coordinator', 'system']);

/**
 * An organisation touches only its own sites and goods; the coordinator and the system
 * touch all. Another member's object is answered exactly as a missing one, so that no
 * one learns what another member holds by asking for it.
 */
export function assertActsFor(actor: Actor, organisationId: string, what: string): void {
  if (CLUSTER_ROLES.has(actor.role)) return;
  if (actor.organisationId !== organisationId) throw new Refusal('not-found', `${what} not found`);
}

/**
 * Whose data a query covers: null for the whole cluster (coordinator, system),
 * otherwise the actor's own organisation; a member role without one sees nothing.
 */
export function memberScope(actor: Actor): string | null {
  if (CLUSTER_ROLES.has(actor.role)) return null;
  if (!actor.organisationId)
    throw forbidden(`${actor.role} ${actor.userId} belongs to no organisation`);
  return actor.organisationId;
}

export function assertRole(actor: Actor, roles: readonly Actor['role'][], action: string): void {
  if (!roles.includes(actor.role) && !CLUSTER_ROLES.has(actor.role)) {
    throw forbidden(
      `${action} needs one of the roles ${roles.join(', ')}; ${actor.userId} is ${actor.role}`,
    );
  }
}

/**
 * For what the regulation reserves to one role (NF S97-414): the coordinator records a
 * centre's certificate, only a refurbisher certifies an aid. No cluster-role bypass.
 */
export function assertOnlyRole(actor: Actor, role: Actor['role'], action: string): void {
  if (actor.role !== role) {
    throw forbidden(`${action} is for the ${role} only; ${actor.userId} is ${actor.role}`);
  }
}
