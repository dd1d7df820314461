import type { Actor } from '@boucle/contracts';

/** Matching itself, when a job or an event (not a person) acts. */
export const SYSTEM_ACTOR: Actor = { userId: 'matching', role: 'system', organisationId: null };

const CLUSTER_ROLES: ReadonlySet<Actor['role']> = new Set(['coordinator', 'system']);

export const actsForCluster = (actor: Actor): boolean => CLUSTER_ROLES.has(actor.role);
