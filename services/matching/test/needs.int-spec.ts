import {
  MatchingNeedClosedV1,
  MatchingNeedRegisteredV1,
  MatchingRpc,
  type Actor,
  type RpcRequestInput,
} from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { NeedsService } from '../src/needs/needs.service.js';
import {
  aidNeedFor,
  materialNeed,
  refusal,
  startMatching,
  type MatchingHarness,
  type Member,
} from './harness.js';

describe(NeedsService.name, () => {
  let h: MatchingHarness;
  let social: Member;
  let other: Member;

  beforeAll(async () => {
    h = await startMatching();
    social = h.member();
    other = h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A need as a client sends it, checked by the service, not by the test's types. */
  const register = (actor: Actor, body: object) =>
    h.rpc.request(MatchingRpc.registerNeed, {
      actor,
      ...body,
    } as RpcRequestInput<typeof MatchingRpc.registerNeed>);

  describe('register', () => {
    it("should keep a social worker's need for a person, and name the person by reference alone in its event", async () => {
      const { needId, beneficiaryRef } = await register(social.operator, aidNeedFor());

      const view = await h.rpc.request(MatchingRpc.getNeed, { actor: social.operator, needId });

      expect(beneficiaryRef).toMatch(/^ben-[0-9a-f]{16}$/);
      expect(view).toMatchObject({
        kind: 'medical-aid',
        status: 'open',
        beneficiaryRef,
        organisationId: social.organisationId,
        beneficiary: {
          name: 'Jeanne Dupont',
          contact: { phone: '+33 6 12 34 56 78', email: 'jeanne.dupont@example.org' },
          address: '4 rue des Capucins, 80000 Amiens',
        },
        health: {
          notes: 'hémiplégie droite, sortie de rééducation',
          prescriptionRef: 'ORD-2026-114',
        },
        isoClass: '12 22',
        constraints: { seatWidthCm: { min: 42, max: 46 }, userWeightKg: 80 },
        urgency: 'urgent',
        // Rounded to about a kilometre: the search never knows the door.
        searchPoint: { latitude: 49.89, longitude: 2.3 },
        maxDistanceKm: 25,
      });
      const [event] = await eventually(async () => {
        const events = (await h.events(MatchingNeedRegisteredV1.subject)).filter(
          (e) => (e.data as { needId: string }).needId === needId,
        );
        expect(events).toHaveLength(1);
        return events;
      });
      expect(event!.data).toEqual({
        needId,
        kind: 'medical-aid',
        beneficiaryRef,
        organisationId: social.organisationId,
        isoClass: '12 22',
        materialFamily: null,
        quantity: null,
        unit: null,
        urgency: 'urgent',
      });
    });

    it('should give a second need of the same person to the same reference, for their member only', async () => {
      const first = await register(social.operator, aidNeedFor('Paul Martin'));
      const { beneficiary: _person, ...byRef } = aidNeedFor();

      const second = await register(social.operator, {
        ...byRef,
        isoClass: '18 12',
        beneficiaryRef: first.beneficiaryRef,
      });
      const stranger = await refusal(
        register(other.operator, { ...byRef, beneficiaryRef: first.beneficiaryRef }),
      );

      expect(second.beneficiaryRef).toBe(first.beneficiaryRef);
      const view = await h.rpc.request(MatchingRpc.getNeed, {
        actor: social.operator,
        needId: second.needId,
      });
      expect(view.beneficiary?.name).toBe('Paul Martin');
      expect(stranger.code).toBe('not-found');
    });

    it('should give a beneficiary acting alone one reference for all their needs', async () => {
      const me = h.beneficiary();
      const { beneficiary: _person, ...mine } = aidNeedFor();

      const first = await register(me, mine);
      const second = await register(me, { ...mine, isoClass: '12 06' });

      expect(second.beneficiaryRef).toBe(first.beneficiaryRef);
      const view = await h.rpc.request(MatchingRpc.getNeed, { actor: me, needId: first.needId });
      expect(view.beneficiary).toBeNull();
      expect(view.organisationId).toBeNull();
    });

    it("should keep a firm's wanted material for its own member", async () => {
      const { needId, beneficiaryRef } = await register(social.firm, materialNeed());

      const view = await h.rpc.request(MatchingRpc.getNeed, { actor: social.firm, needId });

      expect(beneficiaryRef).toBeNull();
      expect(view).toMatchObject({
        kind: 'material',
        organisationId: social.organisationId,
        materialFamily: 'parquet chêne',
        quantity: '40',
        unit: 'm2',
        minConditionGrade: 'B',
        beneficiary: null,
        health: null,
      });
    });

    it.each([
      ['a firm asking for a medical aid', 'firm', aidNeedFor(), 'forbidden', undefined],
      [
        'a beneficiary asking for a material',
        'beneficiary',
        materialNeed(),
        'forbidden',
        undefined,
      ],
      [
        'a past deadline',
        'firm',
        { ...materialNeed(), deadline: '2020-01-01T00:00:00Z' },
        'validation',
        'deadline',
      ],
      [
        'a need naming nobody',
        'operator',
        { ...aidNeedFor(), beneficiary: undefined },
        'validation',
        'beneficiary',
      ],
      [
        'both a person and a reference',
        'operator',
        { ...aidNeedFor(), beneficiaryRef: 'ben-0000000000000000' },
        'validation',
        'beneficiaryRef',
      ],
      [
        'a day already gone',
        'operator',
        { ...aidNeedFor(), urgency: { level: 'soon', neededBy: '2020-01-01' } },
        'validation',
        'urgency.neededBy',
      ],
      [
        'a class that is not ISO 9999',
        'operator',
        { ...aidNeedFor(), isoClass: 'wheelchair' },
        'validation',
        'isoClass',
      ],
    ] as const)('should refuse %s, naming the rule', async (_what, role, body, code, path) => {
      const actor =
        role === 'firm' ? social.firm : role === 'operator' ? social.operator : h.beneficiary();
      const before = await h.orm.em
        .fork()
        .execute<{ n: string }[]>('SELECT count(*) AS n FROM need');

      const error = await refusal(register(actor, body));

      expect(error.code).toBe(code);
      if (path) expect(error.body.issues?.map((i) => i.path)).toContain(path);
      const after = await h.orm.em
        .fork()
        .execute<{ n: string }[]>('SELECT count(*) AS n FROM need');
      expect(after).toEqual(before);
    });
  });

  describe('get', () => {
    it('should answer another member, another beneficiary and a firm as if the need did not exist', async () => {
      const { needId } = await register(social.operator, aidNeedFor());

      for (const actor of [other.operator, h.beneficiary(), other.firm]) {
        const error = await refusal(h.rpc.request(MatchingRpc.getNeed, { actor, needId }));
        expect([actor.role, error.code]).toEqual([actor.role, 'not-found']);
      }
      await expect(
        h.rpc.request(MatchingRpc.getNeed, { actor: h.coordinator, needId }),
      ).resolves.toMatchObject({ needId });
    });
  });

  describe('list', () => {
    it("should list a member's needs only, oldest first, a page at a time", async () => {
      const member = h.member();
      const registered = [];
      for (let i = 0; i < 5; i++)
        registered.push((await register(member.operator, aidNeedFor(`Personne ${i}`))).needId);
      await register(other.operator, aidNeedFor());

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await h.rpc.request(MatchingRpc.listNeeds, {
          actor: member.operator,
          limit: 2,
          ...(cursor && { cursor }),
        });
        seen.push(...page.needs.map((n) => n.needId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && ++pages < 10);

      expect(seen).toEqual(registered);
    });
  });

  describe('withdraw', () => {
    it('should close an open need once, and say so in an event', async () => {
      const { needId } = await register(social.firm, materialNeed());

      const withdrawn = await h.rpc.request(MatchingRpc.withdrawNeed, {
        actor: social.firm,
        needId,
      });
      const again = await refusal(
        h.rpc.request(MatchingRpc.withdrawNeed, { actor: social.firm, needId }),
      );

      expect(withdrawn).toEqual({ needId, status: 'withdrawn' });
      expect(again.code).toBe('invalid-transition');
      expect(again.body.currentState).toBe('withdrawn');
      await eventually(async () => {
        const closed = (await h.events(MatchingNeedClosedV1.subject)).filter(
          (e) => (e.data as { needId: string }).needId === needId,
        );
        expect(closed.map((e) => e.data)).toEqual([{ needId, reason: 'withdrawn' }]);
      });
    });
  });

  describe('erase', () => {
    it("should remove a person's data for good and keep only the anonymous figures of their needs", async () => {
      const first = await register(social.operator, aidNeedFor('Lucienne Erasable'));
      const { beneficiary: _p, ...byRef } = aidNeedFor();
      const second = await register(social.operator, {
        ...byRef,
        beneficiaryRef: first.beneficiaryRef,
      });
      await h.rpc.request(MatchingRpc.withdrawNeed, {
        actor: social.operator,
        needId: second.needId,
      });

      const erased = await h.rpc.request(MatchingRpc.eraseBeneficiary, {
        actor: social.operator,
        beneficiaryRef: first.beneficiaryRef!,
      });
      const again = await h.rpc.request(MatchingRpc.eraseBeneficiary, {
        actor: social.operator,
        beneficiaryRef: first.beneficiaryRef!,
      });

      expect(erased.needs).toBe(2);
      expect(again).toEqual({ ...erased, needs: 0 });
      const view = await h.rpc.request(MatchingRpc.getNeed, {
        actor: social.operator,
        needId: first.needId,
      });
      expect(view).toMatchObject({
        status: 'erased',
        beneficiary: null,
        health: null,
        isoClass: '12 22',
        urgency: 'urgent',
        searchPoint: { latitude: 49.9, longitude: 2.3 },
      });
      const rows = await h.orm.em
        .fork()
        .execute<{ sealed: unknown; status: string }[]>(
          'SELECT sealed, status FROM need WHERE beneficiary_ref = ? ORDER BY seq',
          [first.beneficiaryRef],
        );
      expect(rows).toEqual([
        { sealed: null, status: 'erased' },
        { sealed: null, status: 'withdrawn' },
      ]);
      const [person] = await h.orm.em
        .fork()
        .execute<{ sealed: unknown; user_id: unknown }[]>(
          'SELECT sealed, user_id FROM beneficiary WHERE ref = ?',
          [first.beneficiaryRef],
        );
      expect(person).toEqual({ sealed: null, user_id: null });
      // Only the need still open is closed by the erasure.
      await eventually(async () => {
        const closed = (await h.events(MatchingNeedClosedV1.subject))
          .map((e) => e.data as { needId: string; reason: string })
          .filter((d) => [first.needId, second.needId].includes(d.needId));
        expect(closed).toEqual([
          { needId: second.needId, reason: 'withdrawn' },
          { needId: first.needId, reason: 'erased' },
        ]);
      });
      const reuse = await refusal(
        register(social.operator, { ...byRef, beneficiaryRef: first.beneficiaryRef }),
      );
      expect(reuse.code).toBe('invalid-transition');
    });

    it('should let only the person, their member or the coordinator erase them', async () => {
      const { beneficiaryRef } = await register(social.operator, aidNeedFor());

      for (const actor of [other.operator, h.beneficiary()]) {
        const error = await refusal(
          h.rpc.request(MatchingRpc.eraseBeneficiary, { actor, beneficiaryRef: beneficiaryRef! }),
        );
        expect(error.code).toBe('not-found');
      }
      const firm = await refusal(
        h.rpc.request(MatchingRpc.eraseBeneficiary, {
          actor: social.firm,
          beneficiaryRef: beneficiaryRef!,
        }),
      );
      expect(firm.code).toBe('forbidden');
      await expect(
        h.rpc.request(MatchingRpc.eraseBeneficiary, {
          actor: h.coordinator,
          beneficiaryRef: beneficiaryRef!,
        }),
      ).resolves.toMatchObject({ beneficiaryRef, needs: 1 });
    });
  });
});
