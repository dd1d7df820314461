import { SignJWT } from 'jose';
import { eventually } from '@boucle/testing';
import { AUDIENCE, ISSUER, startGatewaySystem, type GatewaySystem } from './harness.js';
import { closeStreams, open, within, type Stream } from './sse-client.js';

const domainEvents = (stream: Stream) =>
  stream.events.filter((e) => e.event.startsWith('inventory.'));
const about = (stream: Stream, event: string, holdId?: string) =>
  stream.events.filter(
    (e) =>
      e.event === event &&
      (holdId === undefined || (e.data['data'] as Record<string, unknown>)['holdId'] === holdId),
  );
const mentions = (stream: Stream, id: string) =>
  stream.events.filter((e) => JSON.stringify(e.data).includes(id));

describe('GET /v1/events', () => {
  let system: GatewaySystem;
  const members: Record<'a' | 'b', { organisationId: string; locationId: string; siteId: string }> =
    {} as never;

  /** A fresh good of member A: 28 kg of cardboard, available, so it can be held. */
  async function goodOf(member: 'a' | 'b'): Promise<string> {
    const { organisationId, siteId, locationId } = members[member];
    const operator = await system.person('operator', organisationId);
    const intake = await system.call('POST', '/v1/intakes', operator, {
      siteId,
      locationId,
      grossWeightKg: 30,
      tareKg: 2,
      provenance: { locality: 'Amiens' },
      collectionMode: 'drop-off',
      goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 28 }],
    });
    expect(intake.status).toBe(201);
    const goodId = (intake.body['goodIds'] as string[])[0]!;
    const moved = await system.call('POST', `/v1/goods/${goodId}/moves`, operator, {
      quantity: '28',
      fromState: 'collected',
      toState: 'available',
      reason: 'sorted',
    });
    expect(moved.status).toBe(201);
    return goodId;
  }

  async function hold(member: 'a' | 'b', goodId: string, quantity = '5'): Promise<string> {
    const operator = await system.person('operator', members[member].organisationId);
    const placed = await system.call('POST', '/v1/holds', operator, {
      goodId,
      quantity,
      holderId: 'ben-7',
      ttlSeconds: 3_600,
    });
    expect(placed.status).toBe(201);
    return placed.body['holdId'] as string;
  }

  let viewers = 0;
  /** A person of the member, other than the one acting: one each, so no test meets another's stream limit. */
  const viewer = (member: 'a' | 'b', role = 'operator') =>
    system.person(role, members[member].organisationId, `${role}-viewer-${++viewers}`);

  async function release(member: 'a' | 'b', holdId: string): Promise<void> {
    const operator = await system.person('operator', members[member].organisationId);
    const released = await system.call('POST', `/v1/holds/${holdId}/release`, operator, {
      reason: 'cancelled',
    });
    expect(released.status).toBe(200);
  }

  beforeAll(async () => {
    system = await startGatewaySystem({
      gatewayEnv: { EVENTS_HEARTBEAT_SECONDS: '1', EVENTS_STREAMS_PER_PERSON: '2' },
    });
    const coordinator = await system.person('coordinator', null);
    for (const member of ['a', 'b'] as const) {
      const organisation = await system.call('POST', '/v1/organisations', coordinator, {
        name: `Ressourcerie ${member.toUpperCase()}`,
        kind: 'reuse-village',
      });
      const organisationId = organisation.body['organisationId'] as string;
      const site = await system.call(
        'POST',
        '/v1/sites',
        await system.person('operator', organisationId),
        {
          organisationId,
          name: `Village ${member.toUpperCase()}`,
          kind: 'reuse-village',
          locality: 'Amiens',
          locations: ['quai'],
        },
      );
      members[member] = {
        organisationId,
        siteId: site.body['siteId'] as string,
        locationId: (site.body['locations'] as { id: string }[])[0]!.id,
      };
    }
  }, 120_000);

  afterAll(async () => {
    closeStreams();
    await system?.close();
  }, 30_000);

  it('should show a person following their good and hold the events HTTP calls cause, and nothing of another hold', async () => {
    const goodId = await goodOf('a');
    const good = await open(system, `?good=${goodId}`, await viewer('a'));
    const first = await hold('a', goodId);
    // Its events are published after the command answered: seen, before the next stream opens.
    await eventually(() => expect(about(good, 'inventory.hold.placed.v1', first)).toHaveLength(1));
    const oneHold = await open(system, `?good=${goodId}&hold=${first}`, await viewer('a'));

    const second = await hold('a', goodId, '3');
    await release('a', first);

    expect(good).toMatchObject({ status: 200, type: 'text/event-stream; charset=utf-8' });
    await eventually(() => {
      expect(about(good, 'inventory.hold.placed.v1', second)).toHaveLength(1);
      expect(about(good, 'inventory.hold.released.v1', first)).toHaveLength(1);
      expect(about(oneHold, 'inventory.hold.released.v1', first)).toHaveLength(1);
    });
    const [placed] = about(good, 'inventory.hold.placed.v1', first);
    expect(placed).toMatchObject({
      lastEventId: placed!.data['id'],
      data: {
        type: 'inventory.hold.placed',
        actor: { userId: 'operator-1', role: 'operator' },
        data: { holdId: first, goodId, quantity: '5' },
      },
    });
    // Everything the hold's stream showed names that hold; the other one never reached it.
    expect(mentions(oneHold, second)).toEqual([]);
    expect(domainEvents(oneHold).every((e) => mentions(oneHold, first).includes(e))).toBe(true);
    expect(about(oneHold, 'inventory.stock.moved.v1', first)).toHaveLength(1);
  });

  it.each([
    ['an operator of another member', 'operator', 'b', 404],
    ['a beneficiary, whose role reads no stock', 'beneficiary', 'a', 403],
  ] as const)(
    'should refuse %s following a good, before any event, with the answer GET gives',
    async (_who, role, member, status) => {
      const goodId = await goodOf('a');
      const holdId = await hold('a', goodId);
      const bearer = await system.person(role, members[member].organisationId, `${role}-x`);

      const stream = await open(system, `?good=${goodId}&hold=${holdId}`, bearer);
      const good = await system.call('GET', `/v1/goods/${goodId}`, bearer);

      expect(stream).toMatchObject({
        status,
        type: expect.stringContaining('application/problem+json'),
      });
      expect(stream.problem).toMatchObject({ status });
      expect(good.status).toBe(status);
    },
  );

  it("should show nothing of another member's hold named beside one's own good", async () => {
    const theirs = await goodOf('a');
    const theirHold = await hold('a', theirs);
    const mine = await goodOf('b');
    const stranger = await system.person('operator', members.b.organisationId, 'operator-b');
    const owner = await open(system, `?good=${theirs}`, await viewer('a'));
    const snooping = await open(system, `?good=${mine}&hold=${theirHold}`, stranger);

    await release('a', theirHold);

    await eventually(() =>
      expect(about(owner, 'inventory.hold.released.v1', theirHold)).toHaveLength(1),
    );
    // The release went past the stranger's stream: its heartbeat position moved beyond it.
    await eventually(() => expect(snooping.lastEventId()).toBe(owner.lastEventId()));
    expect(snooping.status).toBe(200);
    expect(domainEvents(snooping)).toEqual([]);
  });

  it('should answer 401 to a missing or invalid token, asking inventory nothing', async () => {
    const goodId = await goodOf('a');
    const forged = new SignJWT({ sub: 'x', boucle_role: 'coordinator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret of at least 32 bytes!'));
    const before = await system.answered();

    const none = await open(system, `?good=${goodId}`, undefined);
    const bad = await open(system, `?good=${goodId}`, await forged);

    expect(none).toMatchObject({ status: 401, problem: { status: 401 } });
    expect(bad).toMatchObject({ status: 401, problem: { status: 401 } });
    expect(await system.answered()).toBe(before);
  });

  it('should name the parameter and its rule when the filter is malformed', async () => {
    const operator = await viewer('a');
    const goodId = crypto.randomUUID();

    const cases = await Promise.all([
      open(system, '?good=not-a-uuid', operator),
      open(system, `?hold=${goodId}`, operator),
      open(system, `?good=${goodId}&kind=lot`, operator),
      open(system, `?good=${goodId}`, operator, { 'last-event-id': 'yesterday' }),
    ]);

    expect(
      cases.map((c) => [c.status, (c.problem['errors'] as { path: string }[])[0]!.path]),
    ).toEqual([
      [422, 'good'],
      [422, 'good'],
      [422, 'kind'],
      [422, 'Last-Event-ID'],
    ]);
  });

  it('should let the coordinator alone follow the whole cluster', async () => {
    const coordinator = await open(
      system,
      '',
      await system.person('coordinator', null, 'coordinator-all'),
    );
    const operator = await open(system, '', await viewer('a'));
    const inA = await hold('a', await goodOf('a'));
    const inB = await hold('b', await goodOf('b'));

    await eventually(() => {
      expect(about(coordinator, 'inventory.hold.placed.v1', inA)).toHaveLength(1);
      expect(about(coordinator, 'inventory.hold.placed.v1', inB)).toHaveLength(1);
    });
    expect(operator).toMatchObject({ status: 403, problem: { status: 403 } });
  });

  it('should free a stream when its client disconnects', async () => {
    const goodId = await goodOf('a');
    const person = await system.person('operator', members.a.organisationId, 'operator-tabs');
    const first = await open(system, `?good=${goodId}`, person);
    await open(system, `?good=${goodId}`, person);

    const third = await open(system, `?good=${goodId}`, person);
    first.close();

    expect(third).toMatchObject({ status: 429, problem: { status: 429 } });
    await eventually(async () => {
      const again = await open(system, `?good=${goodId}`, person);
      expect(again.status).toBe(200);
    });
  });

  it('should resume after Last-Event-ID with what the client missed, or say it cannot', async () => {
    const goodId = await goodOf('a');
    const operator = await viewer('a');
    const holdId = await hold('a', goodId);
    const watcher = await open(system, `?good=${goodId}`, await viewer('a'));
    const before = await open(system, `?good=${goodId}`, operator);
    const placedElsewhere = await hold('a', goodId, '2');
    await eventually(() =>
      expect(about(before, 'inventory.hold.placed.v1', placedElsewhere)).toHaveLength(1),
    );
    const seen = about(before, 'inventory.hold.placed.v1', placedElsewhere)[0]!.lastEventId!;
    before.close();
    await release('a', holdId);
    await eventually(() =>
      expect(about(watcher, 'inventory.hold.released.v1', holdId)).toHaveLength(1),
    );

    const resumed = await open(system, `?good=${goodId}`, operator, { 'last-event-id': seen });
    const lost = await open(system, `?good=${goodId}`, operator, {
      'last-event-id': crypto.randomUUID(),
    });

    await eventually(() =>
      expect(about(resumed, 'inventory.hold.released.v1', holdId)).toHaveLength(1),
    );
    expect(about(resumed, 'inventory.hold.placed.v1', placedElsewhere)).toEqual([]);
    await eventually(() => expect(resumed.lastEventId()).toBe(watcher.lastEventId()));
    await eventually(() => expect(lost.events[0]).toMatchObject({ event: 'reset' }));
    expect(lost.events[0]!.data).toMatchObject({ reason: 'position-unknown' });
  });

  it('should keep a quiet stream alive with heartbeats', async () => {
    const stream = await open(system, `?good=${await goodOf('a')}`, await viewer('a'));

    await eventually(() => expect(stream.comments).toContain('keep-alive'));
  });

  it('should end the stream when the token expires, saying so', async () => {
    const goodId = await goodOf('a');
    const shortLived = await new SignJWT({
      sub: 'operator-short',
      boucle_role: 'operator',
      boucle_org: members.a.organisationId,
    })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
      .sign(system.provider.privateKey);

    const stream = await open(system, `?good=${goodId}`, shortLived);
    await within(stream.closed);

    expect(stream.status).toBe(200);
    expect(stream.events.at(-1)).toMatchObject({
      event: 'end',
      data: { reason: 'token-expired' },
    });
  });

  it("should end the giver's stream once the good is transferred to another member", async () => {
    const goodId = await goodOf('a');
    const stream = await open(system, `?good=${goodId}`, await viewer('a'));

    const transfer = await system.call(
      'POST',
      `/v1/goods/${goodId}/transfer`,
      await system.person('operator', members.a.organisationId),
      { toOrganisationId: members.b.organisationId, toLocationId: members.b.locationId },
    );
    await within(stream.closed);

    expect(transfer.status).toBe(200);
    expect(stream.events.map((e) => e.event).slice(-2)).toEqual([
      'inventory.good.transferred.v1',
      'end',
    ]);
    expect(stream.events.at(-1)!.data).toMatchObject({ reason: 'access-ended' });
  });
  it('should hold a burst of openings to the per-person limit', async () => {
    const goodId = await goodOf('a');
    const person = await system.person('operator', members.a.organisationId, 'operator-burst');

    const burst = await Promise.all(
      Array.from({ length: 8 }, () => open(system, `?good=${goodId}`, person)),
    );

    expect(burst.filter((s) => s.status === 200)).toHaveLength(2);
    expect(burst.filter((s) => s.status === 429)).toHaveLength(6);
  });

  it('should follow a good named in upper case', async () => {
    const goodId = await goodOf('a');
    const stream = await open(system, `?good=${goodId.toUpperCase()}`, await viewer('a'));

    const holdId = await hold('a', goodId);

    await eventually(() =>
      expect(about(stream, 'inventory.hold.placed.v1', holdId)).toHaveLength(1),
    );
  });

  it("should not replay to a good's new owner what happened to it with the previous one", async () => {
    const goodId = await goodOf('a');
    const coordinator = await open(system, '', await system.person('coordinator', null, 'co-w'));
    await eventually(() => expect(coordinator.lastEventId()).toBeDefined());
    const before = coordinator.lastEventId()!;
    const holdId = await hold('a', goodId);
    await release('a', holdId);
    const transfer = await system.call(
      'POST',
      `/v1/goods/${goodId}/transfer`,
      await system.person('operator', members.a.organisationId),
      { toOrganisationId: members.b.organisationId, toLocationId: members.b.locationId },
    );
    expect(transfer.status).toBe(200);
    await eventually(() =>
      expect(mentions(coordinator, 'inventory.good.transferred')).toBeDefined(),
    );
    await eventually(() =>
      expect(
        coordinator.events.filter(
          (e) =>
            e.event === 'inventory.good.transferred.v1' && JSON.stringify(e.data).includes(goodId),
        ),
      ).toHaveLength(1),
    );

    const receiver = await open(system, `?good=${goodId}`, await viewer('b'), {
      'last-event-id': before,
    });

    await eventually(() =>
      expect(receiver.events.map((e) => e.event)).toContain('inventory.good.transferred.v1'),
    );
    expect(mentions(receiver, holdId)).toEqual([]);
    // From the transfer on, it is theirs; nothing of before.
    expect(receiver.events[0]!.event).toBe('inventory.good.transferred.v1');
  });
});
