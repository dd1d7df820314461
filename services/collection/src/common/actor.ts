import type { Actor } from '@boucle/contracts';
import { forbidden, Refusal, validation } from './errors.js';

/** Collection itself, when a job or an event (not a person) acts. */
export const SYSTEM_ACTOR: Actor = { userId: 'collection', role: 'system', organisationId: null };

const CLUSTER_ROLES: ReadonlySet<Actor['role']> = new Set(['coordinator', 'system']);

export const actsForCluster = (actor: Actor): boolean => CLUSTER_ROLES.has(actor.role);

/**
 * A member's people touch only their own pickups, points and vehicles; the coordinator
 * all. Another member's object is answered exactly as a missing one, so that nobody
 * learns what another member asked for by asking.
 */
export function assertActsFor(actor: Actor, organisationId: string, what: string): void {
  if (actsForCluster(actor)) return;
  if (actor.organisationId !== organisationId) throw new Refusal('not-found', `${what} not found`);
}

/** Whose data a query covers: null for the whole cluster, else the actor's organisation. */
export function memberScope(actor: Actor, requested?: string): string | null {
  if (actsForCluster(actor)) return requested ?? null;
  if (!actor.organisationId)
    throw forbidden(`${actor.role} ${actor.userId} belongs to no organisation`);
  return actor.organisationId;
}

/**
 * The member a new object belongs to: the actor's own, or the one the coordinator names
 * (who must name one). A member naming another is refused as not found.
 */
export function owningOrganisation(actor: Actor, requested: string | undefined): string {
  if (actsForCluster(actor)) {
    if (!requested) throw validation('organisationId', 'the coordinator names the member');
    return requested;
  }
  if (!actor.organisationId)
    throw forbidden(`${actor.role} ${actor.userId} belongs to no organisation`);
  if (requested && requested !== actor.organisationId)
    throw new Refusal('not-found', `organisation ${requested} not found`);
  return actor.organisationId;
}
