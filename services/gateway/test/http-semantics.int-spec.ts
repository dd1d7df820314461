import { startGatewaySystem, type GatewaySystem } from './harness.js';

/*
 * What HTTP itself promises people: lists a page at a time that never skip nor repeat, an
 * ETag to send back so that two people editing one good cannot overwrite each other unseen,
 * rate limits that say when to come back, and a browser allowed in from the console only.
 */
const CONSOLE = 'https://console.boucle.example';

describe('gateway HTTP semantics', () => {
  let system: GatewaySystem;
  let member: { organisationId: string; siteId: string; locationId: string };
  let other: { organisationId: string; siteId: string; locationId: string };
  let operator: string;

  const newMember = async (name: string) => {
    const coordinator = await system.person('coordinator', null);
    const organisation = await system.call('POST', '/v1/organisations', coordinator, {
      name,
      kind: 'reuse-village',
    });
    const organisationId = organisation.body['organisationId'] as string;
    const site = await system.call(
      'POST',
      '/v1/sites',
      await system.person('operator', organisationId),
      {
        organisationId,
        name: `${name}, quai`,
        kind: 'reuse-village',
        locality: 'Amiens',
        position: { latitude: 49.8941, longitude: 2.2958 },
        locations: ['quai', 'atelier'],
      },
    );
    expect(site.status).toBe(201);
    const locations = site.body['locations'] as { id: string }[];
    return {
      organisationId,
      siteId: site.body['siteId'] as string,
      locationId: locations[0]!.id,
    };
  };

  const intake = (kg: number) => ({
    siteId: member.siteId,
    locationId: member.locationId,
    grossWeightKg: kg + 2,
    tareKg: 2,
    provenance: { locality: 'Amiens' },
    collectionMode: 'drop-off',
    goods: [{ kind: 'bulk', material: 'cardboard', weightKg: kg }],
  });

  beforeAll(async () => {
    system = await startGatewaySystem({
      gatewayEnv: { CORS_ORIGINS: CONSOLE, RATE_LIMIT_PERSON_PER_MINUTE: '100000' },
    });
    member = await newMember('Ressourcerie du Pont');
    other = await newMember('Ressourcerie de la Hotoie');
    operator = await system.person('operator', member.organisationId, 'operator-pont');
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  }, 30_000);

  describe('GET /v1/goods', () => {
    it('should page through every good of the member once, newest first, following Link', async () => {
      const made: string[] = [];
      for (let kg = 1; kg <= 7; kg++) {
        const { body } = await system.call('POST', '/v1/intakes', operator, intake(kg));
        made.push((body['goodIds'] as string[])[0]!);
      }
      // Another member's goods never show up in this member's list.
      await system.call(
        'POST',
        '/v1/intakes',
        await system.person('operator', other.organisationId),
        { ...intake(3), siteId: other.siteId, locationId: other.locationId },
      );

      const seen: string[] = [];
      let url: string | null = `/v1/goods?siteId=${member.siteId}&limit=3`;
      let pages = 0;
      while (url) {
        const page = await system.call('GET', url, operator);
        expect(page.status).toBe(200);
        const goods = page.body['goods'] as { id: string; stock: unknown[] }[];
        seen.push(...goods.map((g) => g.id));
        const link = page.headers.get('link');
        expect(link === null).toBe(page.body['nextCursor'] === null);
        url = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1]! : null;
        pages++;
      }

      expect(seen).toEqual([...made].reverse());
      expect(pages).toBe(3);
    });

    it('should carry each good with its stock by state and its revision', async () => {
      const { body } = await system.call('POST', '/v1/intakes', operator, intake(12));
      const goodId = (body['goodIds'] as string[])[0]!;

      const page = await system.call('GET', `/v1/goods?limit=1`, operator);

      expect(page.body['goods']).toEqual([
        expect.objectContaining({
          id: goodId,
          kind: 'bulk',
          stock: [{ state: 'collected', quantity: '12' }],
          revision: expect.stringMatching(/^\d+$/),
        }),
      ]);
    });

    it("should answer another member's list as not found, and name a bad cursor or limit", async () => {
      const theirs = await system.call(
        'GET',
        `/v1/goods?organisationId=${other.organisationId}`,
        operator,
      );
      const badCursor = await system.call('GET', '/v1/goods?cursor=bm90LWEtZ29vZA', operator);
      const badLimit = await system.call('GET', '/v1/goods?limit=0', operator);
      // A cursor from another member's list says nothing of it.
      const coordinator = await system.person('coordinator', null);
      const cluster = await system.call('GET', `/v1/goods?limit=1`, coordinator);
      const foreign = await system.call(
        'GET',
        `/v1/goods?cursor=${String(cluster.body['nextCursor'])}`,
        await system.person('operator', other.organisationId),
      );

      expect(theirs.status).toBe(404);
      expect(badCursor).toMatchObject({ status: 422, body: { errors: [{ path: 'cursor' }] } });
      expect(badLimit).toMatchObject({ status: 422, body: { errors: [{ path: 'limit' }] } });
      expect(foreign.status).toBe(422);
    });
  });

  describe('ETag and If-Match', () => {
    const move = (quantity: string) => ({
      quantity,
      fromState: 'collected',
      toState: 'available',
      reason: 'sorted',
    });

    it('should give the revision as ETag, and 304 to If-None-Match while it holds', async () => {
      const { body } = await system.call('POST', '/v1/intakes', operator, intake(20));
      const goodId = (body['goodIds'] as string[])[0]!;

      const read = await system.call('GET', `/v1/goods/${goodId}`, operator);
      const etag = read.headers.get('etag')!;
      const unchanged = await system.call('GET', `/v1/goods/${goodId}`, operator, undefined, {
        'if-none-match': etag,
      });
      await system.call('POST', `/v1/goods/${goodId}/moves`, operator, move('1'));
      const changed = await system.call('GET', `/v1/goods/${goodId}`, operator, undefined, {
        'if-none-match': etag,
      });

      expect(etag).toBe(`"${String(read.body['revision'])}"`);
      expect(unchanged.status).toBe(304);
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });

    it('should change the ETag of the units a recall covers, issued or lifted', async () => {
      const serial = `SN-${crypto.randomUUID().slice(0, 8)}`;
      const { body } = await system.call('POST', '/v1/intakes', operator, {
        ...intake(15),
        goods: [
          { kind: 'item', serialNumber: serial, make: 'Invacare', model: 'Action 3', weightKg: 15 },
        ],
      });
      const goodId = (body['goodIds'] as string[])[0]!;
      const read = await system.call('GET', `/v1/goods/${goodId}`, operator);

      const recall = await system.call('POST', '/v1/recalls', operator, {
        make: 'Invacare',
        model: 'Action 3',
        serialFrom: serial,
        serialTo: serial,
        reason: 'avis de sécurité du fabricant',
      });
      const recalled = await system.call('GET', `/v1/goods/${goodId}`, operator, undefined, {
        'if-none-match': read.headers.get('etag')!,
      });
      await system.call(
        'POST',
        `/v1/recalls/${String(recall.body['recallId'])}/lifting`,
        operator,
        {},
      );
      const lifted = await system.call('GET', `/v1/goods/${goodId}`, operator, undefined, {
        'if-none-match': recalled.headers.get('etag')!,
      });

      expect(recall.status).toBe(201);
      expect(recalled).toMatchObject({ status: 200, body: { activeRecall: expect.any(Object) } });
      expect(lifted).toMatchObject({ status: 200, body: { activeRecall: null } });
    });

    it('should answer 304 to If-None-Match as a list, weak, or *', async () => {
      const { body } = await system.call('POST', '/v1/intakes', operator, intake(20));
      const goodId = (body['goodIds'] as string[])[0]!;
      const read = await system.call('GET', `/v1/goods/${goodId}`, operator);
      expect(read.status).toBe(200);
      const etag = read.headers.get('etag')!;

      // One after the other, each named: a refusal shows which form it was and why.
      const answers: { value: string; status: number; problem?: unknown }[] = [];
      for (const value of [`"0", ${etag}`, `W/${etag}`, '*', '"0"']) {
        const answer = await system.call('GET', `/v1/goods/${goodId}`, operator, undefined, {
          'if-none-match': value,
        });
        answers.push({
          value,
          status: answer.status,
          ...(answer.status >= 400 ? { problem: answer.body } : {}),
        });
      }

      expect(answers).toEqual([
        { value: `"0", ${etag}`, status: 304 },
        { value: `W/${etag}`, status: 304 },
        { value: '*', status: 304 },
        { value: '"0"', status: 200 },
      ]);
      expect(read.headers.get('cache-control')).toBe('private, no-cache');
    });

    it('should refuse a change on a stale revision with 412 and write nothing of it', async () => {
      const { body } = await system.call('POST', '/v1/intakes', operator, intake(20));
      const goodId = (body['goodIds'] as string[])[0]!;
      const read = await system.call('GET', `/v1/goods/${goodId}`, operator);
      const etag = read.headers.get('etag')!;
      // Someone else changes it in between: a hold is a change of the good too.
      const colleague = await system.person('operator', member.organisationId, 'operator-2');
      await system.call('POST', `/v1/goods/${goodId}/moves`, colleague, move('5'));
      const hold = await system.call('POST', '/v1/holds', colleague, {
        goodId,
        quantity: '1',
        holderId: 'ben-1',
        ttlSeconds: 600,
      });
      expect(hold.status).toBe(201);

      const stale = await system.call('POST', `/v1/goods/${goodId}/moves`, operator, move('3'), {
        'if-match': etag,
      });
      const after = await system.call('GET', `/v1/goods/${goodId}`, operator);
      const current = await system.call('POST', `/v1/goods/${goodId}/moves`, operator, move('3'), {
        'if-match': after.headers.get('etag')!,
      });
      const last = await system.call('GET', `/v1/goods/${goodId}`, operator);

      expect(stale).toMatchObject({ status: 412, body: { title: 'Changed since you read it' } });
      expect(after.body['balances']).toEqual(
        expect.arrayContaining([expect.objectContaining({ state: 'collected', quantity: '15' })]),
      );
      expect(current.status).toBe(201);
      expect(last.body['balances']).toEqual(
        expect.arrayContaining([expect.objectContaining({ state: 'collected', quantity: '12' })]),
      );
    });

    it('should answer 412, not the refusal of its new state, to a change on a stale revision', async () => {
      const { body } = await system.call('POST', '/v1/intakes', operator, intake(20));
      const goodId = (body['goodIds'] as string[])[0]!;
      const read = await system.call('GET', `/v1/goods/${goodId}`, operator);
      const colleague = await system.person('operator', member.organisationId, 'operator-3');
      await system.call('POST', `/v1/goods/${goodId}/moves`, colleague, move('18'));

      // Only 2 are left collected: on the good as read, 5 were.
      const stale = await system.call('POST', `/v1/goods/${goodId}/moves`, operator, move('5'), {
        'if-match': read.headers.get('etag')!,
      });
      const unconditional = await system.call(
        'POST',
        `/v1/goods/${goodId}/moves`,
        operator,
        move('5'),
      );

      expect(stale.status).toBe(412);
      expect(unconditional).toMatchObject({ status: 409, body: { title: 'Not enough stock' } });
    });

    it("should answer If-Match on another member's good as not found, never as changed", async () => {
      const { body } = await system.call('POST', '/v1/intakes', operator, intake(20));
      const goodId = (body['goodIds'] as string[])[0]!;
      const stranger = await system.person('operator', other.organisationId, 'operator-hotoie');

      const attempt = await system.call('POST', `/v1/goods/${goodId}/moves`, stranger, move('1'), {
        'if-match': '"1"',
      });

      expect(attempt.status).toBe(404);
    });

    it('should name If-Match when it is not one entity tag, or on a route with no revision', async () => {
      const { body } = await system.call('POST', '/v1/intakes', operator, intake(20));
      const goodId = (body['goodIds'] as string[])[0]!;

      const weak = await system.call('POST', `/v1/goods/${goodId}/moves`, operator, move('1'), {
        'if-match': 'W/"3"',
      });
      const nowhere = await system.call('POST', '/v1/intakes', operator, intake(2), {
        'if-match': '"3"',
      });
      const untouched = await system.call('GET', `/v1/goods/${goodId}`, operator);

      expect(weak).toMatchObject({ status: 422, body: { errors: [{ path: 'If-Match' }] } });
      expect(nowhere).toMatchObject({ status: 422, body: { errors: [{ path: 'If-Match' }] } });
      expect(untouched.body['balances']).toEqual([
        expect.objectContaining({ state: 'collected', quantity: '20' }),
      ]);
    });
  });

  describe('what people pick from', () => {
    it("should list a member's own sites with their locations and position, and no one else's", async () => {
      const own = await system.call('GET', '/v1/sites', operator);
      const theirs = await system.call(
        'GET',
        `/v1/sites?organisationId=${other.organisationId}`,
        operator,
      );
      const cluster = await system.call(
        'GET',
        '/v1/sites',
        await system.person('coordinator', null, 'co-sites'),
      );

      expect(own.body['sites']).toEqual([
        expect.objectContaining({
          id: member.siteId,
          organisationId: member.organisationId,
          position: { latitude: 49.8941, longitude: 2.2958 },
          locations: expect.arrayContaining([{ id: member.locationId, name: 'quai' }]),
        }),
      ]);
      expect(theirs.status).toBe(404);
      expect((cluster.body['sites'] as { id: string }[]).map((s) => s.id)).toEqual(
        expect.arrayContaining([member.siteId, other.siteId]),
      );
    });

    it('should show a member its own organisation, and the coordinator every one', async () => {
      const own = await system.call('GET', '/v1/organisations', operator);
      const cluster = await system.call(
        'GET',
        '/v1/organisations',
        await system.person('coordinator', null, 'co-orgs'),
      );

      expect((own.body['organisations'] as { id: string }[]).map((o) => o.id)).toEqual([
        member.organisationId,
      ]);
      expect((cluster.body['organisations'] as { id: string }[]).map((o) => o.id)).toEqual(
        expect.arrayContaining([member.organisationId, other.organisationId]),
      );
    });

    it("should list a site's certificates, valid or not, and answer another member's site as not found", async () => {
      const coordinator = await system.person('coordinator', null, 'co-certs');
      const made = await system.call('POST', '/v1/certificates', coordinator, {
        siteId: member.siteId,
        reference: 'NF S97-414 n° 2026-042',
        validFrom: '2026-01-01',
        validUntil: '2029-12-31',
      });
      await system.call(
        'POST',
        `/v1/certificates/${String(made.body['certificateId'])}/revocation`,
        coordinator,
        { reason: 'audit' },
      );

      const listed = await system.call('GET', `/v1/certificates?siteId=${member.siteId}`, operator);
      const theirs = await system.call(
        'GET',
        `/v1/certificates?siteId=${member.siteId}`,
        await system.person('operator', other.organisationId, 'op-other-certs'),
      );

      expect(listed.body['certificates']).toEqual([
        expect.objectContaining({
          id: made.body['certificateId'],
          valid: false,
          revokedAt: expect.any(String),
        }),
      ]);
      expect(theirs.status).toBe(404);
    });

    it("should show a device model's current checklist, and 404 for a model nobody registered", async () => {
      const coordinator = await system.person('coordinator', null, 'co-models');
      const model = {
        make: 'Invacare',
        model: `Birdie ${crypto.randomUUID().slice(0, 6)}`,
        isoClass: '12 36 03',
        lifetimeYears: 10,
        checklist: ['mât', 'sangle'],
        instructionsRef: 'doc://birdie',
      };
      await system.call('POST', '/v1/device-models', coordinator, model);
      await system.call('POST', '/v1/device-models', coordinator, {
        ...model,
        checklist: ['mât', 'sangle', 'batterie'],
      });

      const current = await system.call(
        'GET',
        `/v1/device-models?make=Invacare&model=${encodeURIComponent(model.model)}`,
        operator,
      );
      const unknown = await system.call('GET', '/v1/device-models?make=Nobody&model=X', operator);

      expect(current.body).toMatchObject({ version: 2, checklist: ['mât', 'sangle', 'batterie'] });
      expect(unknown.status).toBe(404);
    });
  });

  describe('sites', () => {
    it('should name a position off the map', async () => {
      const answer = await system.call('POST', '/v1/sites', operator, {
        organisationId: member.organisationId,
        name: 'Nulle part',
        kind: 'reuse-village',
        locality: 'Amiens',
        position: { latitude: 91, longitude: 2.3 },
        locations: ['quai'],
      });

      expect(answer).toMatchObject({
        status: 422,
        body: { errors: [expect.objectContaining({ path: 'position.latitude' })] },
      });
    });
  });

  describe('CORS', () => {
    it("should let the console's pages in, and no other origin", async () => {
      const preflight = (origin: string) =>
        fetch(`${system.url}/v1/goods`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,if-match,idempotency-key',
          },
        });

      const console = await preflight(CONSOLE);
      const elsewhere = await preflight('https://evil.example');
      const read = await fetch(`${system.url}/v1/goods`, {
        headers: { origin: CONSOLE, authorization: `Bearer ${operator}` },
      });

      expect(console.headers.get('access-control-allow-origin')).toBe(CONSOLE);
      expect(console.headers.get('access-control-allow-headers')).toContain('if-match');
      expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
      expect(read.headers.get('access-control-allow-origin')).toBe(CONSOLE);
      expect(read.headers.get('access-control-expose-headers')).toContain('etag');
    });
  });
});

describe('gateway rate limits', () => {
  let system: GatewaySystem;

  beforeAll(async () => {
    system = await startGatewaySystem({
      gatewayEnv: { RATE_LIMIT_PERSON_PER_MINUTE: '5', RATE_LIMIT_ADDRESS_PER_MINUTE: '12' },
    });
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  }, 30_000);

  it('should hold a person back past their limit with 429 and Retry-After, and no one else', async () => {
    const eager = await system.person('coordinator', null, 'eager');
    const calm = await system.person('coordinator', null, 'calm');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await system.call('GET', '/v1/goods?limit=1', eager)).status);
    const held = await system.call('GET', '/v1/goods?limit=1', eager);
    const other = await system.call('GET', '/v1/goods?limit=1', calm);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(held).toMatchObject({ status: 429, body: { type: expect.stringContaining('rate') } });
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(other.status).toBe(200);
  });

  it('should hold an address back before any token is checked', async () => {
    // The address has spent 9 of its 12 above; bad tokens count against it too.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await system.call('GET', '/v1/goods', 'not-a-token')).status);

    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
