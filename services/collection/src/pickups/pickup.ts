import type { Actor, CollectionLoad, GeoPoint } from '@boucle/contracts';
import type { PickupStatus, WindowJson } from '../database/schema.js';

export type PickupKind = 'home' | 'construction-site' | 'shop' | 'business';
export type CollectionMode = 'pickup' | 'construction-site' | 'shop';
export type PickupOrigin = 'request' | 'schedule' | 'threshold';

/** A pickup as collection keeps it: the address stays here, never in an event. */
export interface Pickup {
  id: string;
  organisationId: string;
  kind: PickupKind;
  mode: CollectionMode;
  origin: PickupOrigin;
  pointId: string | null;
  occurrenceDay: string | null;
  status: PickupStatus;
  address: string;
  position: GeoPoint;
  locality: string;
  donorRef: string | null;
  /** UTC, ordered by start. */
  windows: WindowJson[];
  expectedLoad: CollectionLoad;
  skills: string[];
  goods: object[];
  deliverTo: { siteId: string; locationId: string };
  lot: { goodId: string; mustBeGoneBy: string } | null;
  unplannedReason: string | null;
  misses: number;
  createdAt: string;
}

export type NewPickup = Omit<Pickup, 'status' | 'unplannedReason' | 'misses' | 'createdAt'> & {
  actor: Actor;
};

/** How inventory will book what a pickup of this kind brings in. */
export function modeOf(kind: PickupKind): CollectionMode {
  switch (kind) {
    case 'home':
    case 'business':
      return 'pickup';
    case 'construction-site':
      return 'construction-site';
    case 'shop':
      return 'shop';
  }
}

/** A pickup still to be made: it may be planned, cancelled or recorded. */
export const OPEN_STATUSES: readonly PickupStatus[] = ['requested', 'scheduled', 'missed'];
