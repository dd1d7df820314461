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
