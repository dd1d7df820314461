import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { MatchingRpc, type Actor, type RpcRequestInput, type Urgency } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { ProposalsRepository } from '../src/proposals/proposals.repository.js';
import { ProposalsService } from '../src/proposals/proposals.service.js';
import { rank } from '../src/proposals/ranking.js';
import {
  aidNeedFor,
  materialNeed,
  PLACES,
  refusal,
  startMatching,
  type MatchingHarness,
  type Member,
  type TestSite,
} from './harness.js';

describe(ProposalsService.name, () => {
  let h: MatchingHarness;
  let social: Member;

  beforeAll(async () => {
    h = await startMatching();
    social = h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  const register = (actor: Actor, body: object) =>
    h.rpc.request(MatchingRpc.registerNeed, {
      actor,
      ...body,
    } as RpcRequestInput<typeof MatchingRpc.registerNeed>);

  /** A need for an aid of a class no other test uses, so that lines hold only this test's needs. */
  const aid = (isoClass: string, overrides: object = {}) => ({
    ...aidNeedFor(),
    isoClass,
    constraints: {},
    ...overrides,
  });

  /** A fresh ISO subclass, `12 22 nn`, per test. */
  let subclass = 10;
  const freshClass = () => `12 22 ${String(subclass++)}`;

  async function lineOf(goodId: string, actor: Actor = h.coordinator) {
    return (await h.rpc.request(MatchingRpc.listProposals, { actor, goodId })).proposals;
  }

  async function site(): Promise<TestSite> {
    return h.inventory.site(PLACES.amiens);
  }

  it('should put in line the needs an aid fits, most urgent first, then priority, then the first registered', async () => {
    const isoClass = freshClass();
    const routine = await register(
      social.operator,
      aid(isoClass, { urgency: { level: 'routine' } }),
    );
    const urgent = await register(social.operator, aid(isoClass, { urgency: { level: 'urgent' } }));
    const soonFirst = await register(
      social.operator,
      aid(isoClass, { urgency: { level: 'soon' } }),
    );
    const soonSecond = await register(
      social.operator,
      aid(isoClass, { urgency: { level: 'soon' } }),
    );
    // Each fails one hard constraint.
    await register(social.operator, aid(isoClass, { constraints: { seatWidthCm: { min: 50 } } }));
    await register(social.operator, aid(isoClass, { constraints: { electric: true } }));
    await register(social.operator, aid('12 23'));
    await register(social.operator, {
      ...aid(isoClass),
      location: { position: PLACES.lille, locality: 'Lille' },
    });

    const goodId = await h.inventory.aid(await site(), {
      isoClass,
      attributes: { seatWidthCm: 45, foldable: true, maxUserWeightKg: 120 },
    });

    const line = await eventually(async () => {
      const proposals = await lineOf(goodId);
      expect(proposals).toHaveLength(4);
      return proposals;
    });
    expect(line.map((p) => p.needId)).toEqual([
      urgent.needId,
      soonFirst.needId,
      soonSecond.needId,
      routine.needId,
    ]);
    expect(line.map((p) => p.rank)).toEqual([1, 2, 3, 4]);
    expect(line[0]).toMatchObject({
      kind: 'medical-aid',
      beneficiaryRef: urgent.beneficiaryRef,
      score: {
        total: 4_000,
        urgency: { level: 'urgent', points: 4_000 },
        socialPriority: { value: 0, points: 0 },
        waiting: { days: 0, points: 0 },
      },
    });
    expect(line[0]!.distanceKm).toBeLessThan(2);
  });

  it('should put in line a need of the parent class and one just within its distance, not one just beyond', async () => {
    // A class of its own at the second level, so that no other test's need is of it.
    const parent = '12 36';
    const subclass = '12 36 03';
    const general = await register(social.operator, aid(parent));
    // About 10 km north of the aid's site, as the crow flies.
    const tenKmNorth = {
      position: { latitude: 49.9841, longitude: 2.2958 },
      locality: 'Villers-Bocage',
    };
    const within = await register(social.operator, {
      ...aid(subclass),
      location: tenKmNorth,
      maxDistanceKm: 11,
    });
    await register(social.operator, { ...aid(subclass), location: tenKmNorth, maxDistanceKm: 9 });

    const goodId = await h.inventory.aid(await site(), { isoClass: subclass });

    await eventually(async () =>
      expect((await lineOf(goodId)).map((p) => p.needId).sort()).toEqual(
        [general.needId, within.needId].sort(),
      ),
    );
  });

  it('should serve needs of equal urgency and priority in their registration order, wherever they are and whatever they ask (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // Anywhere within about 15 km of the aid, each within its own reach.
            north: fc.double({ min: -0.12, max: 0.12, noNaN: true }),
            east: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
            seatMin: fc.integer({ min: 30, max: 45 }),
            foldable: fc.option(fc.constant(true), { nil: undefined }),
          }),
          { minLength: 2, maxLength: 6 },
        ),
        fc.constantFrom('routine' as const, 'soon' as const, 'urgent' as const),
        async (people, level) => {
          const isoClass = freshClass();
          const registered: string[] = [];
          for (const p of people)
            registered.push(
              (
                await register(
                  social.operator,
                  aid(isoClass, {
                    urgency: { level },
                    constraints: {
                      seatWidthCm: { min: p.seatMin },
                      ...(p.foldable && { foldable: true }),
                    },
                    location: {
                      position: {
                        latitude: PLACES.amiens.latitude + p.north,
                        longitude: PLACES.amiens.longitude + p.east,
                      },
                      locality: 'Amiens',
                    },
                    maxDistanceKm: 40,
                  }),
                )
              ).needId,
            );

          const goodId = await h.inventory.aid(await site(), {
            isoClass,
            attributes: { seatWidthCm: 46, foldable: true, maxUserWeightKg: 120 },
          });

          await eventually(async () =>
            expect((await lineOf(goodId)).map((p) => p.needId)).toEqual(registered),
          );
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it('should keep the best twenty of more needs in the line, the most urgent first whenever they came', async () => {
    const isoClass = freshClass();
    const routine: string[] = [];
    for (let i = 0; i < 20; i++)
      routine.push(
        (await register(social.operator, aid(isoClass, { urgency: { level: 'routine' } }))).needId,
      );
    const urgent: string[] = [];
    for (let i = 0; i < 2; i++)
      urgent.push(
        (await register(social.operator, aid(isoClass, { urgency: { level: 'urgent' } }))).needId,
      );

    const goodId = await h.inventory.aid(await site(), { isoClass });

    await eventually(async () =>
      expect((await lineOf(goodId)).map((p) => p.needId)).toEqual([
        ...urgent,
        ...routine.slice(0, 18),
      ]),
    );
  });

  it('should keep the twenty the score puts first, waiting counted in whole days up to a year', async () => {
    const isoClass = freshClass();
    const soon: string[] = [];
    for (let i = 0; i < 2; i++)
      soon.push(
        (await register(social.operator, aid(isoClass, { urgency: { level: 'soon' } }))).needId,
      );
    const routine: string[] = [];
    for (let i = 0; i < 22; i++)
      routine.push(
        (await register(social.operator, aid(isoClass, { urgency: { level: 'routine' } }))).needId,
      );
    // Waiting, in days, of the routine needs in their order of registration: all but the
    // first are past a year, which counts as a year, so that the first registered go
    // first among those and the one who waited longest of all stays out of the line.
    const waited = [10.4, ...Array.from({ length: 20 }, (_, i) => 370 + i * 0.3), 600];
    await sql`
      UPDATE need n SET registered_at = now() - w.days * interval '1 day'
        FROM unnest(${routine}::uuid[], ${waited}::float8[]) AS w(id, days)
       WHERE n.id = w.id`.execute(h.orm.em.fork().getKysely());

    const goodId = await h.inventory.aid(await site(), { isoClass });

    await eventually(async () => expect(await lineOf(goodId)).toHaveLength(20));
    const { rows } = await sql<{
      id: string;
      seq: string;
      urgency: Urgency;
      social_priority: number;
      registered_at: string;
    }>`SELECT id, seq::text AS seq, urgency, social_priority, registered_at::text AS registered_at
         FROM need WHERE id = ANY(${[...soon, ...routine]}::uuid[])`.execute(
      h.orm.em.fork().getKysely(),
    );
    const expected = rank(
      rows.map((r) => ({
        needId: r.id,
        seq: BigInt(r.seq),
        urgency: r.urgency,
        socialPriority: r.social_priority,
        registeredAt: new Date(r.registered_at),
      })),
      new Date(),
    ).slice(0, 20);
    expect(expected.map((r) => r.candidate.needId)).toEqual([...soon, ...routine.slice(1, 19)]);
    // Each place with the parts of its score as rank counts them: 10 days for the first
    // routine need, a year for the others.
    expect(
      (await lineOf(goodId)).map((p) => ({ needId: p.needId, rank: p.rank, score: p.score })),
    ).toEqual(expected.map((r) => ({ needId: r.candidate.needId, rank: r.rank, score: r.score })));
    expect(expected[2]!.score.waiting).toEqual({ days: 365, points: 365 });
  });

  it("should draw one good's line at a time, the second from what the first committed", async () => {
    const isoClass = freshClass();
    const first = await register(social.operator, aid(isoClass));
    const goodId = await h.inventory.aid(await site(), { isoClass });
    await eventually(async () => expect(await lineOf(goodId)).toHaveLength(1));
    const repository = h.app.get(ProposalsRepository);

    // One drawing holds the good's line and adds a need before it commits.
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    const added = randomUUID();
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const one = h.orm.em.fork().transactional(async (em) => {
      await repository.drawLine(em, goodId, new Date(), 20);
      await sql`
        INSERT INTO need (id, kind, status, beneficiary_ref, organisation_id, registered_by,
                          iso_class, constraints, urgency, search_latitude, search_longitude,
                          locality, max_distance_km, sealed, key_id)
        SELECT ${added}::uuid, kind, status, beneficiary_ref, organisation_id, registered_by,
               iso_class, constraints, urgency, search_latitude, search_longitude, locality,
               max_distance_km, sealed, key_id
          FROM need WHERE id = ${first.needId}::uuid`.execute(em.getKysely());
      holding();
      await committing;
    });
    await held;
    // The other waits for the line, then reads it with the need just committed.
    const other = h.orm.em
      .fork()
      .transactional((em) => repository.drawLine(em, goodId, new Date(), 20));
    try {
      await eventually(
        async () => {
          const { rows } = await sql<{ waiting: number }>`
        SELECT count(*)::int AS waiting FROM pg_locks
         WHERE locktype = 'advisory' AND NOT granted AND database = (
           SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
            h.orm.em.fork().getKysely(),
          );
          expect(rows[0]!.waiting).toBe(1);
        },
        { timeoutMs: 5_000 },
      );
    } finally {
      commit();
      await one;
    }
    expect(await other).toBe(2);
    expect((await lineOf(goodId)).map((p) => p.needId).sort()).toEqual(
      [first.needId, added].sort(),
    );
  }, 30_000);

  it('should pass over better-scored needs the aid does not fit, and keep the best twenty that it fits', async () => {
    const isoClass = freshClass();
    // Each the most urgent, each failing one hard constraint: too narrow, not electric, too far.
    await register(social.operator, aid(isoClass, { constraints: { seatWidthCm: { min: 60 } } }));
    await register(social.operator, aid(isoClass, { constraints: { electric: true } }));
    await register(social.operator, {
      ...aid(isoClass),
      location: { position: PLACES.lille, locality: 'Lille' },
    });
    const routine: string[] = [];
    for (let i = 0; i < 21; i++)
      routine.push(
        (await register(social.operator, aid(isoClass, { urgency: { level: 'routine' } }))).needId,
      );

    const goodId = await h.inventory.aid(await site(), {
      isoClass,
      attributes: { seatWidthCm: 45, foldable: true, maxUserWeightKg: 120 },
    });

    await eventually(async () =>
      expect((await lineOf(goodId)).map((p) => p.needId)).toEqual(routine.slice(0, 20)),
    );
  });

  it('should put a need registered later in the line of an aid already available', async () => {
    const isoClass = freshClass();
    const first = await register(social.operator, aid(isoClass, { urgency: { level: 'soon' } }));
    const goodId = await h.inventory.aid(await site(), { isoClass });
    await eventually(async () => expect(await lineOf(goodId)).toHaveLength(1));

    const later = await register(social.operator, aid(isoClass, { urgency: { level: 'urgent' } }));

    expect((await lineOf(goodId)).map((p) => p.needId)).toEqual([later.needId, first.needId]);
    await h.rpc.request(MatchingRpc.withdrawNeed, { actor: social.operator, needId: later.needId });
    expect((await lineOf(goodId)).map((p) => [p.needId, p.rank])).toEqual([[first.needId, 1]]);
  });

  it('should move a need up the line when the coordinator raises its priority, and let nobody else', async () => {
    const isoClass = freshClass();
    const first = await register(social.operator, aid(isoClass));
    const second = await register(social.operator, aid(isoClass));
    const goodId = await h.inventory.aid(await site(), { isoClass });
    await eventually(async () => expect(await lineOf(goodId)).toHaveLength(2));
    expect((await lineOf(goodId)).map((p) => p.needId)).toEqual([first.needId, second.needId]);

    const refused = await refusal(
      h.rpc.request(MatchingRpc.setSocialPriority, {
        actor: social.operator,
        needId: second.needId,
        socialPriority: 5,
      }),
    );
    await h.rpc.request(MatchingRpc.setSocialPriority, {
      actor: h.coordinator,
      needId: second.needId,
      socialPriority: 5,
    });

    expect(refused.code).toBe('forbidden');
    const line = await lineOf(goodId);
    expect(line.map((p) => p.needId)).toEqual([second.needId, first.needId]);
    expect(line[0]!.score.socialPriority).toEqual({ value: 5, points: 500 });
  });

  it("should line up members' wanted lists for a lot of their material, unit and condition", async () => {
    const family = `parquet chêne ${randomUUID().slice(0, 6).replace(/\d/g, 'q')}`;
    const firm = h.member();
    const wants = await register(firm.firm, { ...materialNeed(), materialFamily: family });
    await register(firm.firm, { ...materialNeed(), materialFamily: family, unit: 'm3' });
    await register(firm.firm, {
      ...materialNeed(),
      materialFamily: family,
      minConditionGrade: 'A',
    });
    await register(firm.firm, {
      ...materialNeed(),
      materialFamily: family,
      area: { position: PLACES.lille, locality: 'Lille', radiusKm: 10 },
    });

    const lot = await h.inventory.lot(await site(), {
      materialFamily: `lames de ${family} massif`,
      conditionGrade: 'B',
      unit: 'm2',
    });

    const line = await eventually(async () => {
      const proposals = await lineOf(lot);
      expect(proposals).toHaveLength(1);
      return proposals;
    });
    expect(line[0]).toMatchObject({ needId: wants.needId, kind: 'material', beneficiaryRef: null });
  });

  it('should line up the needs a lot fits when its site is heard of only after the offer', async () => {
    const family = `tomettes ${randomUUID().slice(0, 6).replace(/\d/g, 'q')}`;
    const firm = h.member();
    const wants = await register(firm.firm, { ...materialNeed(), materialFamily: family });
    // Two consumers of two subjects: the offer may well be applied before the site.
    const { site: late, event } = h.inventory.siteEvent(PLACES.amiens);
    const lot = await h.inventory.lot(late, {
      materialFamily: family,
      conditionGrade: 'B',
      unit: 'm2',
    });
    await eventually(async () =>
      expect(
        await h.rpc.request(MatchingRpc.getCatalogueGood, { actor: h.coordinator, goodId: lot }),
      ).toBeDefined(),
    );
    expect(await lineOf(lot)).toEqual([]);

    await h.inventory.publish(event);

    const line = await eventually(async () => {
      const proposals = await lineOf(lot);
      expect(proposals).toHaveLength(1);
      return proposals;
    });
    expect(line[0]).toMatchObject({ needId: wants.needId, kind: 'material' });
  });

  it("should show a good's line to its member's staff and the coordinator only", async () => {
    const owner = await site();
    const goodId = await h.inventory.aid(owner, { isoClass: freshClass() });
    await eventually(() =>
      h.rpc.request(MatchingRpc.getCatalogueGood, { actor: h.coordinator, goodId }),
    );
    const staff: Actor = {
      userId: 'op-own',
      role: 'operator',
      organisationId: owner.organisationId,
    };

    // Whose good it is comes with another of inventory's events than its description, on a
    // consumer of its own: the good may be listed a moment before its owner is known.
    await eventually(async () => expect(await lineOf(goodId, staff)).toEqual([]));
    const stranger = await refusal(lineOf(goodId, social.operator));
    expect(stranger.code).toBe('not-found');
  });
});
