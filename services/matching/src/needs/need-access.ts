import type { Actor } from '@boucle/contracts';
import { actsForCluster } from '../common/actor.js';

/**
 * Who reaches a need: the beneficiary it is for (by their own account), the member's
 * people (the social service acting for the beneficiary, the firm wanting a material),
 * the coordinator. Anyone else is answered as if it did not exist, so that nobody learns
 * who is waiting by asking.
 */
export function reachesNeed(
  actor: Actor,
  need: { organisation_id: string | null; beneficiary_user_id: string | null },
): boolean {
  if (actsForCluster(actor)) return true;
  if (actor.role === 'beneficiary') return need.beneficiary_user_id === actor.userId;
  return actor.organisationId !== null && need.organisation_id === actor.organisationId;
}
