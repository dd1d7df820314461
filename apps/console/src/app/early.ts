import { filtersFrom, stockQuery } from '../features/operator/stock/stock-query';
import { parseWorkstation, WORKSTATION_KEY } from '../session/stored-workstation';
import { readToken, SESSION_KEY } from '../session/token';

/**
 * The first page's data asked for by a small script of its own (src/early-requests.ts,
 * built apart and named first in the page), which arrives while the app's code is still on
 * its way: on a slow network the page's request then costs no round trip after the app
 * starts. The page's loader takes that answer, once, when it makes the same request with
 * the same token; else it asks the network. Only leaf modules are imported here, so that
 * the script stays a few hundred bytes.
 */
interface EarlyRequest {
  url: string;
  authorization: string;
  at: number;
  response: Promise<Response>;
}

const EARLY = '__boucleEarlyRequest';
/** An answer older than this is not the page's first request's: it is asked again. */
const FRESH_MS = 30_000;

type Holder = { [EARLY]?: EarlyRequest | undefined };

/** The request the page at this address makes first, for the pages that have one. */
export function firstRequestOf(
  address: { pathname: string; search: string },
  workstationSiteId: string,
): string | null {
  if (address.pathname === '/stock' || address.pathname === '/stock/') {
    const query = stockQuery(filtersFrom(new URLSearchParams(address.search), workstationSiteId));
    return `/v1/goods?${new URLSearchParams(
      Object.entries(query).map(([name, value]) => [name, String(value)]),
    ).toString()}`;
  }
  return null;
}

/** One form of a request's address, whatever the order and escaping of its query. */
export function canonicalUrl(url: string): string {
  const parsed = new URL(url, 'http://console.invalid');
  const params = [...parsed.searchParams.entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `${parsed.pathname}?${new URLSearchParams(params).toString()}`;
}

/** Run by the early script: the request of this page, as the signed-in person. */
export function startEarlyRequest(): void {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return;
    const read = readToken(raw);
    // No session, or an expired one: the app sends the person to sign in instead.
    if (!('session' in read)) return;
    const url = firstRequestOf(
      globalThis.location,
      parseWorkstation(localStorage.getItem(WORKSTATION_KEY)).siteId,
    );
    if (!url) return;
    const authorization = `Bearer ${read.session.token}`;
    const response = fetch(url, { headers: { Authorization: authorization } });
    // Nobody may take it; its failure is then no one's.
    response.catch(() => undefined);
    (globalThis as Holder)[EARLY] = {
      url: canonicalUrl(url),
      authorization,
      at: Date.now(),
      response,
    };
  } catch {
    // Storage refused: the page asks when its code has come.
  }
}

/**
 * `fetch` for a page's loader: the early answer to this very request (address, token),
 * once; else, or if the early one failed, the network.
 */
export function earlyFetch(request: Request): Promise<Response> {
  const holder = globalThis as Holder;
  const early = holder[EARLY];
  // Only the page's first request may take it, whichever it is.
  holder[EARLY] = undefined;
  if (
    early &&
    Date.now() - early.at < FRESH_MS &&
    early.url === canonicalUrl(request.url) &&
    early.authorization === request.headers.get('Authorization')
  )
    return early.response.catch(() => fetch(request));
  return fetch(request);
}

/**
 * The first date or number a page formats loads its locale's data, tens of milliseconds on
 * a modest tablet; done by the early script, while the app's code is still on its way, the
 * app's first render no longer waits for it. The formats of i18n/catalogue.ts, in the
 * language the device keeps (i18n/i18n.tsx); a format that drifted from them only warms less.
 */
export function warmFormats(): void {
  try {
    const locale = localStorage.getItem('boucle.language') === 'en' ? 'en-GB' : 'fr-FR';
    new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Europe/Paris',
    }).format(0);
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(0);
    new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(1.5);
    new Intl.PluralRules(locale).select(2);
  } catch {
    // Storage refused: the app loads the data when it first formats.
  }
}
