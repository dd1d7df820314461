import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import createClient from 'openapi-fetch';
import type { paths } from '../api/schema';
import { filtersFrom, stockQuery } from '../features/operator/stock/stock-query';
import { canonicalUrl, earlyFetch, firstRequestOf, startEarlyRequest } from './early';

const ORIGIN = 'http://console.test';
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: Record<string, unknown>) =>
  `${encode({ alg: 'EdDSA' })}.${encode(claims)}.c2ln`;

function memoryStorage(entries: Record<string, string>): Storage {
  const kept = new Map(Object.entries(entries));
  return {
    get length() {
      return kept.size;
    },
    key: (index) => [...kept.keys()][index] ?? null,
    getItem: (key) => kept.get(key) ?? null,
    setItem: (key, value) => void kept.set(key, String(value)),
    removeItem: (key) => void kept.delete(key),
    clear: () => kept.clear(),
  };
}

/** The address the stock's loader asks for, as the console's API client writes it. */
async function loaderUrl(search: string, siteId: string): Promise<string> {
  let url = '';
  const api = createClient<paths>({
    baseUrl: ORIGIN,
    fetch: (request) => {
      url = request.url;
      return Promise.resolve(Response.json({ goods: [], nextCursor: null }));
    },
  });
  await api.GET('/v1/goods', {
    params: { query: stockQuery(filtersFrom(new URLSearchParams(search), siteId)) },
  });
  return url;
}

describe('firstRequestOf', () => {
  it('should ask for the page of stock the loader asks for, whatever the filters', async () => {
    for (const search of ['', '?kind=item', '?siteId=s2&state=received&cursor=abc%3D%3D', '?x=1'])
      expect(canonicalUrl(firstRequestOf({ pathname: '/stock', search }, 's1')!)).toBe(
        canonicalUrl(await loaderUrl(search, 's1')),
      );
  });

  it('should ask for nothing on a page whose loader asks nothing first', () => {
    expect(firstRequestOf({ pathname: '/intake', search: '' }, 's1')).toBeNull();
    expect(firstRequestOf({ pathname: '/stockroom', search: '' }, 's1')).toBeNull();
  });
});

describe('canonicalUrl', () => {
  it('should make one address of the same query written two ways', () => {
    expect(canonicalUrl(`${ORIGIN}/v1/goods?siteId=a%20b&limit=50`)).toBe(
      canonicalUrl('/v1/goods?limit=50&siteId=a+b'),
    );
    expect(canonicalUrl('/v1/goods?limit=50')).not.toBe(canonicalUrl('/v1/goods?limit=20'));
  });
});

describe('the early request', () => {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const person = token({ sub: 'op-1', boucle_role: 'operator', boucle_org: 'o1', exp });
  const sent: Request[] = [];
  let answers = 0;
  const globals = ['sessionStorage', 'localStorage', 'location', 'fetch'] as const;
  const saved = Object.fromEntries(globals.map((name) => [name, globalThis[name as never]]));

  const open = (address: string, kept: Record<string, string>) => {
    const define = (name: string, value: unknown) =>
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    define('sessionStorage', memoryStorage(kept));
    define('localStorage', memoryStorage({ 'boucle.workstation': '{"siteId":"s1"}' }));
    define('location', new URL(address, ORIGIN));
  };
  const asked = (search: string, bearer = person) =>
    new Request(`${ORIGIN}/v1/goods?${search}`, { headers: { Authorization: `Bearer ${bearer}` } });

  beforeEach(() => {
    sent.length = 0;
    answers = 0;
    Object.defineProperty(globalThis, 'fetch', {
      configurable: true,
      writable: true,
      value: (input: string, init?: RequestInit) => {
        sent.push(new Request(new URL(input, ORIGIN), init));
        return Promise.resolve(Response.json({ answer: ++answers }));
      },
    });
  });

  afterEach(() => {
    // Whatever a case left is not the next one's.
    void earlyFetch(new Request(`${ORIGIN}/`)).catch(() => undefined);
    for (const name of globals)
      Object.defineProperty(globalThis, name, {
        value: saved[name],
        configurable: true,
        writable: true,
      });
  });

  it('should be asked as the person before the app comes, and its answer taken once', async () => {
    open('/stock', { 'boucle.session': person });
    startEarlyRequest();
    expect(sent).toHaveLength(1);
    expect(canonicalUrl(sent[0]!.url)).toBe(canonicalUrl('/v1/goods?limit=50&siteId=s1'));
    expect(sent[0]!.headers.get('Authorization')).toBe(`Bearer ${person}`);

    const taken = await earlyFetch(asked('siteId=s1&limit=50'));
    expect(await taken.json()).toEqual({ answer: 1 });
    expect(sent).toHaveLength(1);
    // Asked again (the page reloaded its data): the network.
    expect(await (await earlyFetch(asked('siteId=s1&limit=50'))).json()).toEqual({ answer: 2 });
  });

  it('should not be taken by another request, nor by another token', async () => {
    open('/stock', { 'boucle.session': person });
    startEarlyRequest();
    expect(await (await earlyFetch(asked('limit=50&kind=item'))).json()).toEqual({ answer: 2 });

    open('/stock', { 'boucle.session': person });
    startEarlyRequest();
    const other = token({ sub: 'op-2', boucle_role: 'operator', exp });
    expect(await (await earlyFetch(asked('limit=50&siteId=s1', other))).json()).toEqual({
      answer: 4,
    });
  });

  it('should ask nothing without a session that holds, nor on a page that asks nothing', () => {
    open('/stock', {});
    startEarlyRequest();
    open('/stock', { 'boucle.session': 'garbage' });
    startEarlyRequest();
    open('/stock', {
      'boucle.session': token({ sub: 'op-1', boucle_role: 'operator', exp: 1 }),
    });
    startEarlyRequest();
    open('/intake', { 'boucle.session': person });
    startEarlyRequest();
    expect(sent).toHaveLength(0);
  });

  it('should ask the network when the early request failed', async () => {
    open('/stock', { 'boucle.session': person });
    const fetchOk = globalThis.fetch;
    Object.defineProperty(globalThis, 'fetch', {
      configurable: true,
      writable: true,
      value: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    startEarlyRequest();
    Object.defineProperty(globalThis, 'fetch', {
      configurable: true,
      writable: true,
      value: fetchOk,
    });
    expect(await (await earlyFetch(asked('limit=50&siteId=s1'))).json()).toEqual({ answer: 1 });
  });
});
