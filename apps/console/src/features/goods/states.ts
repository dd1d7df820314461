import type { GoodKind, Unit } from '../../api/types';

/**
 * The states of each kind's lifecycle, in the order a good goes through them, as
 * inventory keeps them (`services/inventory/src/goods/lifecycle.ts`): the stock page
 * filters on them, the catalogue names them. The API gives states as plain text.
 */
export const STATES: Record<GoodKind, readonly string[]> = {
  item: [
    'collected',
    'received',
    'triaged',
    'refurbishing',
    'quality-checked',
    'disinfected',
    'certified',
    'available',
    'held',
    'handed-over',
    'returned',
    'quarantined',
    'parts-donor',
    'scrapped',
    'lost',
  ],
  lot: [
    'offered',
    'collected',
    'stored',
    'available',
    'held',
    'handed-over',
    'diverted',
    'withdrawn',
    'lost',
  ],
  pool: [
    'returned',
    'collected',
    'washing',
    'washed',
    'available',
    'held',
    'delivered',
    'broken',
    'lost',
  ],
  bulk: ['collected', 'transformed', 'available', 'held', 'delivered', 'lost'],
};

export const KINDS: readonly GoodKind[] = ['item', 'lot', 'pool', 'bulk'];

/** Goods that get a label of their own: an aid, a lot (crates and bulk are counted, weighed). */
export const LABELLED: readonly GoodKind[] = ['item', 'lot'];

/** What a quantity counts, in the order forms offer them. */
export const UNITS: readonly Unit[] = ['unit', 'm2', 'm3', 'm', 'kg'];
