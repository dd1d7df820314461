import { CollectionRpc, InventoryRpc, MatchingRpc, type RpcDefinition } from '@boucle/contracts';
import { ROUTES } from './routes.js';

const fieldsOf = (definition: RpcDefinition): string[] => {
  const shape = (definition.request as unknown as { shape?: Record<string, unknown> }).shape;
  if (shape) return Object.keys(shape);
  // A union of shapes (a correction's kinds): the fields all of them share.
  const options = (definition.request as unknown as { options?: { shape: object }[] }).options;
  const sets = (options ?? []).map((o) => Object.keys(o.shape));
  return sets.length ? sets.reduce((a, b) => a.filter((k) => b.includes(k))) : [];
};

describe('gateway routes', () => {
  it.each([
    ['inventory', InventoryRpc],
    ['collection', CollectionRpc],
    ['matching', MatchingRpc],
  ])('should give every %s command and query people use a route, once', (_service, rpc) => {
    const routed = ROUTES.map((route) => route.definition.subject);

    expect(
      Object.values<RpcDefinition>(rpc)
        .map((d) => d.subject)
        .filter((s) => !routed.includes(s)),
    ).toEqual([]);
    expect(new Set(routed).size).toBe(routed.length);
  });

  it('should route no other service than inventory, collection and matching', () => {
    expect(
      ROUTES.filter(
        (r) => !/^rpc\.(inventory|collection|matching)\./.test(r.definition.subject),
      ).map((r) => r.path),
    ).toEqual([]);
  });

  it('should give each method and path one route', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);

    expect(new Set(keys).size).toBe(keys.length);
  });

  it('should answer 202 only where the work is done in the background', () => {
    expect(ROUTES.filter((r) => r.status === 202).map((r) => r.definition.subject)).toEqual([
      CollectionRpc.planDay.subject,
    ]);
    // A reservation answers 201 once inventory answered, 202 while it is still asked.
    expect(ROUTES.filter((r) => r.awaitsOutcome).map((r) => r.definition.subject)).toEqual([
      MatchingRpc.requestReservation.subject,
    ]);
  });

  it('should read the catalogue search from a flat query string, nested as the request is', () => {
    const search = ROUTES.find((r) => r.definition === MatchingRpc.searchCatalogue)!;

    const input = search.input({
      params: {},
      body: undefined,
      query: {
        text: 'fauteuil',
        'near.latitude': '49.9',
        'near.longitude': '2.3',
        'attributes.seatWidthCm.min': '42',
        conditionGrades: ['A', 'B,C'],
        '__proto__.polluted': 'x',
      },
    });

    expect(input).toEqual({
      text: 'fauteuil',
      near: { latitude: '49.9', longitude: '2.3' },
      attributes: { seatWidthCm: { min: '42' } },
      conditionGrades: ['A', 'B', 'C'],
      '__proto__.polluted': 'x',
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(
      MatchingRpc.searchCatalogue.request.safeParse({
        ...(input as object),
        actor: { userId: 'u', role: 'operator', organisationId: null },
      }).success,
    ).toBe(false);
  });

  it('should name in each path only fields its request has', () => {
    const strays = ROUTES.flatMap((route) =>
      [...route.path.matchAll(/:(\w+)/g)]
        .map(([, name]) => name!)
        .filter((name) => !fieldsOf(route.definition).includes(name))
        .map((name) => `${route.method} ${route.path}: ${name}`),
    );

    expect(strays).toEqual([]);
  });

  it('should answer GET for queries only and POST for commands only', () => {
    expect(
      ROUTES.filter((r) => (r.method === 'get') !== (r.definition.kind === 'query')).map(
        (r) => r.path,
      ),
    ).toEqual([]);
  });

  it('should take If-Match only where the path names a good, whose revision it compares', () => {
    expect(
      ROUTES.filter((r) => r.revisionOf !== undefined && !r.path.includes(`:${r.revisionOf}`)),
    ).toEqual([]);
    // Collection compares no revision (If-Match there would be refused by the service).
    expect(
      ROUTES.filter(
        (r) => r.revisionOf !== undefined && r.definition.subject.startsWith('rpc.collection.'),
      ).map((r) => r.path),
    ).toEqual([]);
  });
});
