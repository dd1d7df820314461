import type { RpcAccess } from '@boucle/messaging';

/*
 * Who may call each of collection's commands and queries, by role. Which objects is the
 * service's rule: a member's people act on their own organisation's pickups, points and
 * vehicles (another member's are answered as not found), a driver on the rounds given to
 * them, the coordinator on the whole cluster. PERMISSIONS.md is read off the handlers; a
 * test checks every cell against the running service.
 */

/** Those who ask for pickups: a village for a donor at home, a firm, a shop or business. */
export const REQUESTERS: RpcAccess = { roles: ['operator', 'firm', 'shop', 'coordinator'] };

/** Those who follow pickups: requesters, and drivers for the stops of their rounds. */
export const PICKUP_READERS: RpcAccess = {
  roles: ['operator', 'firm', 'shop', 'driver', 'coordinator'],
};

/** A shop's or business's collection points, or a village's people on its behalf. */
export const POINT_KEEPERS: RpcAccess = { roles: ['shop', 'operator', 'coordinator'] };

/** A member running vehicles and crews. */
export const FLEET_KEEPERS: RpcAccess = { roles: ['operator', 'coordinator'] };

/** The cluster's plan: one plan for every member's pickups and vehicles. */
export const PLANNERS: RpcAccess = { roles: ['coordinator'] };

/** Who reads rounds: the vehicle's member, the driver given the round, the coordinator. */
export const ROUND_READERS: RpcAccess = { roles: ['operator', 'driver', 'coordinator'] };

/** Who records a round's stops: its driver, or the vehicle's member in the back office. */
export const ROUND_CREW: RpcAccess = { roles: ['driver', 'operator', 'coordinator'] };
