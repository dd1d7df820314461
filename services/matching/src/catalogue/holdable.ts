/**
 * The states inventory places holds from, per kind of good (inventory's lifecycles): what
 * is in them is what can be reserved. A good of another kind (a container pool, bulk) is
 * delivered, not reserved, and stays out of the catalogue.
 */
const HOLDABLE: Readonly<Record<'item' | 'lot', ReadonlySet<string>>> = {
  item: new Set(['available']),
  lot: new Set(['offered', 'available']),
};

export type CatalogueKind = keyof typeof HOLDABLE;

export const isCatalogueKind = (kind: string): kind is CatalogueKind => kind in HOLDABLE;

export const isHoldable = (kind: CatalogueKind, state: string): boolean =>
  HOLDABLE[kind].has(state);

/**
 * The states a good does not come back to the offer from (inventory's lifecycles): an aid
 * quarantined (for a defect or a recall: it may come back only as a new cycle, through
 * refurbishing again), scrapped or lost; a lot's offer diverted, withdrawn, or lost.
 * Whoever waits for such a good waits no more.
 */
const GONE: Readonly<Record<CatalogueKind, ReadonlySet<string>>> = {
  item: new Set(['quarantined', 'scrapped', 'lost']),
  lot: new Set(['diverted', 'withdrawn', 'lost']),
};

export const leavesCirculation = (kind: CatalogueKind, state: string): boolean =>
  GONE[kind].has(state);
