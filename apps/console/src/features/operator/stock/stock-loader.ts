import type { LoaderFunctionArgs } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { ApiProblem, type Problem } from '../../../api/problem';
import type { ListedGood } from '../../../api/types';
import { earlyFetch } from '../../../app/early';
import { workstationStore } from '../../../session/workstation';
import { filtersFrom, stockQuery, type StockFilters } from './stock-query';

export { PAGE_SIZE, type StockFilters } from './stock-query';

export type StockData = { filters: StockFilters } & (
  { ok: true; goods: ListedGood[]; nextCursor: string | null } | { ok: false; problem: Problem }
);

/** The filters in the address; the site defaults to the workstation's. */
export function filtersOf(params: URLSearchParams): StockFilters {
  return filtersFrom(params, workstationStore.get().siteId);
}

/**
 * The stock page's data, asked for as soon as the address is known, while the page's
 * code is still on its way (the route's loader runs beside its lazy import); on a page
 * opened at the stock, the early script's answer (app/early.ts), asked for before the
 * app's code came. In the first chunk, so it is small.
 */
export async function loadStock({ request }: LoaderFunctionArgs): Promise<StockData> {
  const filters = filtersOf(new URL(request.url).searchParams);
  try {
    const { data } = await unwrap(
      api.GET('/v1/goods', {
        params: { query: stockQuery(filters) },
        signal: request.signal,
        fetch: earlyFetch,
      }),
    );
    return { filters, ok: true, goods: data.goods, nextCursor: data.nextCursor };
  } catch (error) {
    if (error instanceof ApiProblem) return { filters, ok: false, problem: error.problem };
    throw error;
  }
}
