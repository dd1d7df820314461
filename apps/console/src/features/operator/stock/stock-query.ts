// Types only imported: the early requests (app/early.ts) ask for the stock with this
// before the app's code arrives.
import type { GoodKind, GoodsQuery } from '../../../api/types';

export const PAGE_SIZE = 50;

export interface StockFilters {
  siteId: string;
  kind: GoodKind | '';
  state: string;
  cursor: string;
}

/** The filters in the address; the site defaults to the workstation's. */
export function filtersFrom(params: URLSearchParams, workstationSiteId: string): StockFilters {
  return {
    siteId: params.get('siteId') ?? workstationSiteId,
    kind: (params.get('kind') ?? '') as GoodKind | '',
    state: params.get('state') ?? '',
    cursor: params.get('cursor') ?? '',
  };
}

/** The page of `/v1/goods` the filters show. */
export function stockQuery(filters: StockFilters): GoodsQuery {
  return {
    limit: PAGE_SIZE,
    ...(filters.siteId ? { siteId: filters.siteId } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
  };
}
