import type { Actor } from '@boucle/contracts';
import { forbidden } from './errors.js';

/** Inventory itself, when a job or an event (not a person) changes stock. */
export const SYSTEM_ACTOR: Actor = { userId: 'inventory', role: 'system', organisationId: null };

/** Cluster-wide roles that act on any member's stock (the saga acts as `system`). */
const CLUSTER_ROLES: ReadonlySet<Actor['role']> = new Set(['coordinator', 'system']);

/** An organisation touches only its own sites and goods; the coordinator and the system touch all. */
export function assertActsFor(actor: Actor, organisationId: string, what: string): void {
  if (CLUSTER_ROLES.has(actor.role)) return;
  if (actor.organisationId !== organisationId) {
    throw forbidden(
      `${actor.role} ${actor.userId} may not act on ${what}, which belongs to another organisation`,
    );
  }
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
