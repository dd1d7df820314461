import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import {
  InventoryRpc,
  MatchingRpc,
  type Actor,
  type RpcDefinition,
  type RpcRequestInput,
  type RpcResponse,
} from '@boucle/contracts';
import { IdentitySigner, RpcClient, RpcError } from '@boucle/messaging';
import { connectTestNats, eventually, parisDay, testIdentityKeys } from '@boucle/testing';
import { startGatewaySystem, type GatewaySystem } from './harness.js';

/*
 * The reservation saga between the real matching and inventory services, each in its own
 * process and database, their events going through JetStream: every path ends the same on
 * both sides (held, approved and handed over; rejected by inventory; expired, with the aid
 * going to the next need in line; cancelled; refused; inventory stopped and started again),
 * and a thousand requests at once for a lot of a hundred units hold exactly a hundred.
 * What both sides keep is checked against each other by `reconcile`, from their databases.
 *
 * Two systems side by side: holds last a minute in the first, so that expiry is seen in the
 * file's time, and the standard two days in the second, so that none of the lot's holds
 * runs out while the thousand requests are still being answered.
 */

const CHECKLIST = ['châssis et croisillon', 'freins de stationnement', 'toile d’assise'];
const LONGUEAU = { latitude: 49.8708, longitude: 2.3569 };
const AMIENS = { latitude: 49.8945, longitude: 2.2957 };
const CAMON = { latitude: 49.8878, longitude: 2.3467 };
const COORDINATOR: Actor = { userId: 'coordinator-1', role: 'coordinator', organisationId: null };

/** A reservation that has not ended: inventory must keep its hold, and only then. */
const LIVE_WITH_HOLD = ['held', 'confirmed'];
/** Ends matching decides: inventory hears of them and releases the hold. */
const LET_GO_BY_MATCHING = ['cancelled', 'refused', 'timed-out'];

interface Databases {
  matching: pg.Client;
  inventory: pg.Client;
}

/**
 * What matching and inventory keep of the saga, read from both databases and checked
 * against each other; the disagreements found, in words (none when consistent). With
 * `settled`, a reservation still waiting for inventory's answer is one too.
 */
async function reconcile(db: Databases, options: { settled?: boolean } = {}): Promise<string[]> {
  // Inventory first: a reservation that moves on meanwhile shows up as a disagreement, and
  // the caller (in `eventually`) reads again.
  const holds = (
    await db.inventory.query<{
      id: string;
      good_id: string;
      reservation_id: string | null;
      status: string;
      end_reason: string | null;
      quantity: string;
    }>(`SELECT id, good_id, reservation_id, status, end_reason, quantity::text FROM hold`)
  ).rows;
  const balances = (
    await db.inventory.query<{ good_id: string; state: string; quantity: string }>(
      `SELECT good_id, state, quantity::text FROM stock_balance`,
    )
  ).rows;
  const reservations = (
    await db.matching.query<{
      id: string;
      status: string;
      hold_id: string | null;
      quantity: string;
    }>(`SELECT id, status, hold_id, quantity::text FROM reservation`)
  ).rows;
  const problems: string[] = [];
  const holdById = new Map(holds.map((h) => [h.id, h]));
  const reservationById = new Map(reservations.map((r) => [r.id, r]));
  for (const hold of holds) {
    if (hold.reservation_id === null) continue;
    const r = reservationById.get(hold.reservation_id);
    const known = r ? `${r.status} (hold ${r.hold_id})` : 'unknown';
    if (
      hold.status === 'active' &&
      (!r || !LIVE_WITH_HOLD.includes(r.status) || r.hold_id !== hold.id)
    )
      problems.push(
        `active hold ${hold.id} is for reservation ${hold.reservation_id}, which is ${known}`,
      );
    if (hold.status === 'handed-over' && r?.status !== 'handed-over')
      problems.push(
        `hold ${hold.id} was handed over, its reservation ${hold.reservation_id} is ${known}`,
      );
    // Holds here run out within a minute, which would hide a release that never came: the
    // hold of a reservation matching let go is released for it, never left to expire (only a
    // let-go in the very instant of the expiry could see that, and no path here does).
    if (r && LET_GO_BY_MATCHING.includes(r.status) && hold.end_reason === 'expired')
      problems.push(`reservation ${r.id} is ${r.status}, yet its hold ${hold.id} ran out`);
  }
  for (const r of reservations) {
    const hold = r.hold_id === null ? undefined : holdById.get(r.hold_id);
    const known = hold ? `${hold.status} for ${hold.reservation_id}` : 'unknown';
    if (LIVE_WITH_HOLD.includes(r.status)) {
      if (!hold || hold.status !== 'active' || hold.reservation_id !== r.id)
        problems.push(`reservation ${r.id} is ${r.status} on hold ${r.hold_id}, which is ${known}`);
      else if (Number(hold.quantity) !== Number(r.quantity))
        problems.push(`reservation ${r.id} is for ${r.quantity}, its hold ${hold.quantity}`);
    }
    if (r.status === 'handed-over' && hold?.status !== 'handed-over')
      problems.push(`reservation ${r.id} was handed over, its hold ${r.hold_id} is ${known}`);
    if (options.settled && r.status === 'requested')
      problems.push(`reservation ${r.id} is still waiting for inventory's answer`);
  }
  for (const b of balances)
    if (Number(b.quantity) < 0) problems.push(`good ${b.good_id} has ${b.quantity} ${b.state}`);
  // What is held of each good is what its active holds keep, in thousandths.
  const heldByHolds = new Map<string, number>();
  for (const hold of holds)
    if (hold.status === 'active')
      heldByHolds.set(
        hold.good_id,
        (heldByHolds.get(hold.good_id) ?? 0) + Math.round(Number(hold.quantity) * 1000),
      );
  const heldByBalance = new Map<string, number>();
  for (const b of balances)
    if (b.state === 'held')
      heldByBalance.set(
        b.good_id,
        (heldByBalance.get(b.good_id) ?? 0) + Math.round(Number(b.quantity) * 1000),
      );
  for (const goodId of new Set([...heldByHolds.keys(), ...heldByBalance.keys()]))
    if ((heldByHolds.get(goodId) ?? 0) !== (heldByBalance.get(goodId) ?? 0))
      problems.push(
        `good ${goodId}: ${(heldByBalance.get(goodId) ?? 0) / 1000} held, its active holds keep ${(heldByHolds.get(goodId) ?? 0) / 1000}`,
      );
  return problems;
}

/** Waits until both sides agree, then says so; the disagreements otherwise. */
const reconciled = (db: Databases, timeoutMs = 60_000) =>
  eventually(async () => expect(await reconcile(db, { settled: true })).toEqual([]), {
    timeoutMs,
    intervalMs: 500,
  });

/** One system: the gateway and the services, a client of their RPC and both databases. */
interface World {
  system: GatewaySystem;
  rpc: RpcClient;
  db: Databases;
  coordinatorToken: string;
  call<T extends RpcDefinition>(def: T, input: RpcRequestInput<T>): Promise<RpcResponse<T>>;
}

async function world(
  system: GatewaySystem,
  nc: NatsConnection,
  timeoutMs = 30_000,
): Promise<World> {
  const rpc = new RpcClient(
    nc,
    system.nats.prefix,
    timeoutMs,
    new IdentitySigner(testIdentityKeys().privateKeyPem),
  );
  const db = {
    matching: new pg.Client({ connectionString: system.databases.matching }),
    inventory: new pg.Client({ connectionString: system.databases.inventory }),
  };
  await db.matching.connect();
  await db.inventory.connect();
  return {
    system,
    rpc,
    db,
    coordinatorToken: await system.person('coordinator', null),
    call: (def, input) => rpc.request(def, input),
  };
}

/** A member registered through the gateway; its people as RPC actors and bearer tokens. */
async function member(w: World, name: string, kind: string) {
  const { status, body } = await w.system.call('POST', '/v1/organisations', w.coordinatorToken, {
    name,
    kind,
  });
  expect(status).toBe(201);
  const organisationId = body['organisationId'] as string;
  const actor = (role: Actor['role'], userId = `${role}-${organisationId.slice(0, 8)}`): Actor => ({
    userId,
    role,
    organisationId,
  });
  return { organisationId, actor };
}

describe('reservation saga between matching and inventory', () => {
  let nc: NatsConnection;
  /** Holds of a minute. */
  let a: World;
  /** Holds of two days, and room for a thousand live reservations. */
  let b: World;

  let workshop: { organisationId: string; siteId: string; locationId: string };
  let workshopOperator: Actor;
  let workshopBearer: { operator: string; refurbisher: string };
  let certificateId: string;
  let socialWorker: Actor;
  let serial = 0;
  let classes = 0;

  /** An ISO class, and a model of it, that no other path's needs ask for. */
  async function isoClass(): Promise<{ isoClass: string; make: string; model: string }> {
    const isoClass = `12 23 ${String(++classes).padStart(2, '0')}`;
    const model = { make: 'Invacare', model: `Action saga ${classes}`, isoClass };
    const { status } = await a.system.call('POST', '/v1/device-models', a.coordinatorToken, {
      ...model,
      lifetimeYears: 8,
      checklist: CHECKLIST,
      instructionsRef: 'doc://invacare/action',
    });
    expect(status).toBe(201);
    return model;
  }

  /** A wheelchair of a class of its own, taken through every gate, listed by matching. */
  async function listedAid(): Promise<{ goodId: string; isoClass: string }> {
    const model = await isoClass();
    const intake = await a.system.call('POST', '/v1/intakes', workshopBearer.operator, {
      siteId: workshop.siteId,
      locationId: workshop.locationId,
      grossWeightKg: 20,
      tareKg: 2,
      provenance: { locality: 'Camon' },
      collectionMode: 'drop-off',
      goods: [
        {
          kind: 'item',
          serialNumber: `SAGA-${++serial}-${Date.now()}`,
          make: model.make,
          model: model.model,
          manufacturedOn: `${Number(parisDay().slice(0, 4)) - 3}-01-01`,
          attributes: { seatWidthCm: 45, seatDepthCm: 43, maxUserWeightKg: 125, foldable: true },
          weightKg: 16.8,
        },
      ],
    });
    expect(intake.status).toBe(201);
    const goodId = (intake.body['goodIds'] as string[])[0]!;
    const gates: [string, unknown][] = [
      ['triage', { decision: 'repairable' }],
      ['refurbishment', {}],
      ['checklist', { steps: CHECKLIST.map((step) => ({ step, done: true })) }],
      ['quality-check', { passed: true }],
      [
        'disinfection',
        { performedOn: parisDay(), method: 'vapeur puis virucide', operatorId: 'staff-1' },
      ],
      [
        'certification',
        { certificateId, newUseMonths: 24, instructionsRef: 'doc://invacare/action' },
      ],
      ['release', {}],
    ];
    for (const [gate, body] of gates) {
      const answer = await a.system.call(
        'POST',
        `/v1/goods/${goodId}/${gate}`,
        workshopBearer.refurbisher,
        body,
      );
      expect({ gate, status: answer.status, detail: answer.body['detail'] }).toMatchObject({
        status: 200,
      });
    }
    await eventually(
      async () => {
        const good = await a.call(MatchingRpc.getCatalogueGood, { actor: COORDINATOR, goodId });
        expect(good.availableQuantity).toBe('1');
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    return { goodId, isoClass: model.isoClass };
  }

  /** A need for an aid of that class, for a new beneficiary the social worker acts for. */
  async function aidNeed(isoClass: string, name: string): Promise<string> {
    const { needId } = await a.call(MatchingRpc.registerNeed, {
      actor: socialWorker,
      kind: 'medical-aid',
      isoClass,
      beneficiary: { name, contact: { phone: '03 22 00 00 00' } },
      urgency: { level: 'urgent', reason: 'hospital-discharge' },
      location: { position: AMIENS, locality: 'Amiens' },
    });
    return needId;
  }

  const reserve = (w: World, actor: Actor, goodId: string, needId: string, quantity?: string) =>
    w.call(MatchingRpc.requestReservation, {
      actor,
      goodId,
      needId,
      ...(quantity !== undefined && { quantity }),
    });

  /** The reservation, once it is in that state. */
  const reached = (w: World, reservationId: string, status: string, timeoutMs = 60_000) =>
    eventually(
      async () => {
        const r = await w.call(MatchingRpc.getReservation, { actor: COORDINATOR, reservationId });
        expect(r.status).toBe(status);
        return r;
      },
      { timeoutMs, intervalMs: 200 },
    );

  const holdOf = async (w: World, holdId: string) =>
    (
      await w.db.inventory.query<{
        status: string;
        end_reason: string | null;
        reservation_id: string;
      }>(`SELECT status, end_reason, reservation_id FROM hold WHERE id = $1`, [holdId])
    ).rows[0];

  const holdsOfReservation = async (w: World, reservationId: string) =>
    (
      await w.db.inventory.query<{ id: string; status: string; end_reason: string | null }>(
        `SELECT id, status, end_reason FROM hold WHERE reservation_id = $1`,
        [reservationId],
      )
    ).rows;

  /** Runs now, awaited by its own test: long paths overlap the rest of the file. */
  function started<T>(run: () => Promise<T>): () => Promise<T> {
    const settled = run().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    return async () => {
      const outcome = await settled;
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    };
  }

  let expiry: () => Promise<{
    first: RpcResponse<typeof MatchingRpc.getReservation>;
    firstHold: { status: string; end_reason: string | null } | undefined;
    next: RpcResponse<typeof MatchingRpc.getReservation>;
    nextHold: { status: string; end_reason: string | null } | undefined;
  }>;
  let burst: () => Promise<{
    lotId: string;
    requested: string[];
    refusedUpFront: number;
    otherErrors: unknown[];
  }>;

  beforeAll(async () => {
    nc = await connectTestNats();
    const [systemA, systemB] = await Promise.all([
      startGatewaySystem({
        serviceEnv: {
          matching: {
            RESERVATION_HOLD_SECONDS: '60',
            RESERVATION_ANSWER_TIMEOUT_SECONDS: '15',
            RESERVATION_SWEEP_INTERVAL_MS: '500',
          },
        },
      }),
      startGatewaySystem({
        serviceEnv: {
          matching: {
            MAX_LIVE_RESERVATIONS_PER_ORGANISATION: '1000',
          },
        },
      }),
    ]);
    a = await world(systemA, nc);
    b = await world(systemB, nc, 120_000);

    // B: the thousand requests, started first and left to run beside A's paths.
    burst = started(async () => {
      const firm = await member(b, 'Somme Déconstruction', 'construction-firm');
      const site = await b.system.call('POST', '/v1/sites', b.coordinatorToken, {
        organisationId: firm.organisationId,
        name: 'Chantier de Camon',
        kind: 'construction-site',
        locality: 'Camon',
        position: CAMON,
        locations: ['zone de dépose'],
      });
      expect(site.status).toBe(201);
      const now = Date.now();
      const { goodId: lotId } = await b.call(InventoryRpc.offerLot, {
        actor: firm.actor('firm'),
        siteId: site.body['siteId'] as string,
        locationId: (site.body['locations'] as { id: string }[])[0]!.id,
        materialFamily: 'bloc-porte isoplane',
        quantity: '100',
        unit: 'unit',
        conditionGrade: 'B',
        wasteCode: '17 02 01',
        availableFrom: new Date(now - 3_600_000).toISOString(),
        mustBeGoneBy: new Date(now + 14 * 86_400_000).toISOString(),
        fallback: { route: 'recycling', facility: 'plateforme bois, Amiens nord' },
      });
      await eventually(
        async () => {
          const good = await b.call(MatchingRpc.getCatalogueGood, {
            actor: COORDINATOR,
            goodId: lotId,
          });
          expect(good.availableQuantity).toBe('100');
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      // Ten members wanting a door each, a hundred times over.
      const takers: Actor[] = [];
      for (let i = 0; i < 10; i++)
        takers.push((await member(b, `Rénovation ${i}`, 'construction-firm')).actor('firm'));
      const needs: { actor: Actor; needId: string }[] = [];
      for (let round = 0; round < 100; round += 4)
        needs.push(
          ...(await Promise.all(
            takers.flatMap((actor) =>
              [0, 1, 2, 3].map(async () => {
                const { needId } = await b.call(MatchingRpc.registerNeed, {
                  actor,
                  kind: 'material',
                  materialFamily: 'bloc-porte isoplane',
                  quantity: '1',
                  unit: 'unit',
                  deadline: new Date(now + 30 * 86_400_000).toISOString(),
                  area: { position: AMIENS, locality: 'Amiens', radiusKm: 20 },
                });
                return { actor, needId };
              }),
            ),
          )),
        );
      expect(needs).toHaveLength(1_000);
      const answers = await Promise.allSettled(
        needs.map(({ actor, needId }) => reserve(b, actor, lotId, needId, '1')),
      );
      const requested: string[] = [];
      const otherErrors: unknown[] = [];
      let refusedUpFront = 0;
      for (const answer of answers) {
        if (answer.status === 'fulfilled') requested.push(answer.value.reservationId);
        else if (
          answer.reason instanceof RpcError &&
          answer.reason.code === 'insufficient-quantity'
        )
          refusedUpFront++;
        else otherErrors.push(answer.reason);
      }
      return { lotId, requested, refusedUpFront, otherErrors };
    });

    // A: the cluster's workshop, where every aid of these paths is refurbished.
    const shop = await member(a, 'Atelier aides techniques', 'workshop');
    const social = await member(a, 'Service autonomie', 'social-service');
    workshopOperator = shop.actor('operator', 'workshop-operator');
    socialWorker = social.actor('operator', 'social-worker');
    workshopBearer = {
      operator: await a.system.person('operator', shop.organisationId, 'workshop-operator'),
      refurbisher: await a.system.person('refurbisher', shop.organisationId, 'workshop-ref'),
    };
    const site = await a.system.call('POST', '/v1/sites', workshopBearer.operator, {
      organisationId: shop.organisationId,
      name: 'Atelier de Longueau',
      kind: 'workshop',
      locality: 'Longueau',
      position: LONGUEAU,
      locations: ['stock disponible'],
    });
    expect(site.status).toBe(201);
    workshop = {
      organisationId: shop.organisationId,
      siteId: site.body['siteId'] as string,
      locationId: (site.body['locations'] as { id: string }[])[0]!.id,
    };
    const certificate = await a.system.call('POST', '/v1/certificates', a.coordinatorToken, {
      siteId: workshop.siteId,
      reference: 'NF S97-414 n° 2026-077',
      validFrom: '2026-01-01',
      validUntil: '2029-12-31',
    });
    expect(certificate.status).toBe(201);
    certificateId = certificate.body['certificateId'] as string;

    // A's minute-long hold starts now; the other paths run while it lasts.
    expiry = started(async () => {
      const aid = await listedAid();
      const firstNeed = await aidNeed(aid.isoClass, 'Marcel Dupuis');
      const nextNeed = await aidNeed(aid.isoClass, 'Simone Lebrun');
      const asked = await reserve(a, socialWorker, aid.goodId, firstNeed);
      const held = await reached(a, asked.reservationId, 'held');
      // Nobody approves: inventory's job lets the hold run out.
      const first = await reached(a, asked.reservationId, 'expired', 150_000);
      const next = await eventually(
        async () => {
          const { reservations } = await a.call(MatchingRpc.listReservations, {
            actor: COORDINATOR,
            needId: nextNeed,
          });
          expect(reservations).toEqual([expect.objectContaining({ status: 'held' })]);
          return reservations[0]!;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const firstHold = await holdOf(a, held.holdId!);
      const nextHold = await holdOf(a, next.holdId!);
      // Settled, so that its own minute does not run out during the checks that follow.
      await a.call(MatchingRpc.approveReservation, {
        actor: workshopOperator,
        reservationId: next.reservationId,
      });
      await a.call(InventoryRpc.handOverHold, {
        actor: workshopOperator,
        holdId: next.holdId!,
        beneficiaryRef: next.holderRef,
      });
      await reached(a, next.reservationId, 'handed-over');
      return { first, firstHold, next, nextHold };
    });
  }, 240_000);

  afterAll(async () => {
    for (const w of [a, b]) {
      await w?.db.matching.end();
      await w?.db.inventory.end();
    }
    await nc?.close();
    await Promise.all([a?.system.close(), b?.system.close()]);
  }, 60_000);

  it('should hold an aid, have it approved by its member and handed over by an inventory operator, on both sides', async () => {
    const aid = await listedAid();
    const needId = await aidNeed(aid.isoClass, 'Jeanne Martin');

    const asked = await reserve(a, socialWorker, aid.goodId, needId);
    const held = await reached(a, asked.reservationId, 'held');
    const approved = await a.call(MatchingRpc.approveReservation, {
      actor: workshopOperator,
      reservationId: asked.reservationId,
    });
    const handed = await a.call(InventoryRpc.handOverHold, {
      actor: workshopOperator,
      holdId: held.holdId!,
      beneficiaryRef: held.holderRef,
    });
    const done = await reached(a, asked.reservationId, 'handed-over');
    const need = await a.call(MatchingRpc.getNeed, { actor: socialWorker, needId });

    expect(asked).toMatchObject({ status: 'requested', approvalRequired: true });
    expect(held).toMatchObject({ holdId: expect.any(String), expiresAt: expect.any(String) });
    expect(approved).toMatchObject({ status: 'confirmed', approval: { decision: 'approved' } });
    expect(handed).toEqual({ holdId: held.holdId, status: 'handed-over' });
    expect(done.holdId).toBe(held.holdId);
    expect(need.status).toBe('fulfilled');
    expect(await holdOf(a, held.holdId!)).toMatchObject({
      status: 'handed-over',
      reservation_id: asked.reservationId,
    });
    await reconciled(a.db);
  }, 120_000);

  it('should let inventory, not matching, reject the second of two requests for one aid made at once', async () => {
    const aid = await listedAid();
    const first = await aidNeed(aid.isoClass, 'Louise Petit');
    const second = await aidNeed(aid.isoClass, 'Henri Moreau');

    // Both read matching's catalogue before inventory's hold reaches it: with inventory
    // frozen meanwhile, however slow the machine, neither request can see the other's hold.
    a.system.pauseService('inventory');
    const asked = await Promise.all([
      reserve(a, socialWorker, aid.goodId, first),
      reserve(a, socialWorker, aid.goodId, second),
    ]).finally(() => a.system.resumeService('inventory'));
    const ended = await Promise.all(
      asked.map((r) =>
        eventually(
          async () => {
            const now = await a.call(MatchingRpc.getReservation, {
              actor: COORDINATOR,
              reservationId: r.reservationId,
            });
            expect(now.status).not.toBe('requested');
            return now;
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        ),
      ),
    );
    const winner = ended.find((r) => r.status === 'held')!;
    const loser = ended.find((r) => r.status !== 'held')!;
    // The winner is settled, so that its hold does not come back to the loser's need.
    await a.call(MatchingRpc.approveReservation, {
      actor: workshopOperator,
      reservationId: winner.reservationId,
    });
    await a.call(InventoryRpc.handOverHold, {
      actor: workshopOperator,
      holdId: winner.holdId!,
      beneficiaryRef: winner.holderRef,
    });
    await reached(a, winner.reservationId, 'handed-over');

    expect(asked.map((r) => r.status)).toEqual(['requested', 'requested']);
    expect(ended.map((r) => r.status).sort()).toEqual(['held', 'rejected']);
    expect(loser).toMatchObject({
      holdId: null,
      rejection: {
        reason: 'insufficient-quantity',
        message: expect.stringContaining('less than 1'),
      },
    });
    expect(await holdsOfReservation(a, loser.reservationId)).toEqual([]);
    expect(await holdsOfReservation(a, winner.reservationId)).toEqual([
      expect.objectContaining({ id: winner.holdId, status: 'handed-over' }),
    ]);
    await reconciled(a.db);
  }, 120_000);

  it('should release the hold of a cancelled reservation', async () => {
    const aid = await listedAid();
    const needId = await aidNeed(aid.isoClass, 'Claire Fontaine');

    const asked = await reserve(a, socialWorker, aid.goodId, needId);
    const held = await reached(a, asked.reservationId, 'held');
    const cancelled = await a.call(MatchingRpc.cancelReservation, {
      actor: socialWorker,
      reservationId: asked.reservationId,
    });

    expect(cancelled).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
    await eventually(
      async () =>
        expect(await holdOf(a, held.holdId!)).toMatchObject({
          status: 'released',
          end_reason: 'cancelled',
        }),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const listed = await eventually(async () => {
      const good = await a.call(MatchingRpc.getCatalogueGood, {
        actor: COORDINATOR,
        goodId: aid.goodId,
      });
      expect(good.availableQuantity).toBe('1');
      return good;
    });
    expect(listed.goodId).toBe(aid.goodId);
    await reconciled(a.db);
  }, 120_000);

  it('should release the hold of an aid its member refuses', async () => {
    const aid = await listedAid();
    const needId = await aidNeed(aid.isoClass, 'Odette Roux');

    const asked = await reserve(a, socialWorker, aid.goodId, needId);
    const held = await reached(a, asked.reservationId, 'held');
    const refused = await a.call(MatchingRpc.refuseReservation, {
      actor: workshopOperator,
      reservationId: asked.reservationId,
      note: 'l’assise ne convient pas à la prescription',
    });

    expect(refused).toMatchObject({ status: 'refused', approval: { decision: 'refused' } });
    await eventually(
      async () =>
        expect(await holdOf(a, held.holdId!)).toMatchObject({
          status: 'released',
          end_reason: 'approval-refused',
        }),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await reconciled(a.db);
  }, 120_000);

  it('should converge once inventory, stopped while reservations are asked and let go, starts again', async () => {
    const aids = [await listedAid(), await listedAid(), await listedAid(), await listedAid()];
    const heldAid = await listedAid();
    const needs = await Promise.all(aids.map((aid, i) => aidNeed(aid.isoClass, `Attente ${i}`)));
    const heldNeed = await aidNeed(heldAid.isoClass, 'Gisèle Henry');
    const before = await reserve(a, socialWorker, heldAid.goodId, heldNeed);
    const heldBefore = await reached(a, before.reservationId, 'held');

    await a.system.stopService('inventory');
    // Matching answers on its own: each request waits for inventory, kept in its outbox.
    const [cancelledEarly, cancelledLater, unanswered] = await Promise.all(
      [0, 1, 2].map((i) => reserve(a, socialWorker, aids[i]!.goodId, needs[i]!)),
    );
    const letGo = await Promise.all(
      [cancelledEarly!, cancelledLater!, before].map((r) =>
        a.call(MatchingRpc.cancelReservation, {
          actor: socialWorker,
          reservationId: r.reservationId,
        }),
      ),
    );
    // Past the answer timeout the sweep ends it; its hold, placed later, must be let go.
    const timedOut = await reached(a, unanswered!.reservationId, 'timed-out', 90_000);
    await a.system.startService('inventory');
    // Asked once it is back (a start on a busy machine can outlast the answer timeout): the
    // requests above were the ones asked while it was away.
    const last = await reserve(a, socialWorker, aids[3]!.goodId, needs[3]!);

    const lastHeld = await reached(a, last.reservationId, 'held', 60_000);
    await reconciled(a.db);
    const holdsOf = async (reservationId: string) =>
      (await holdsOfReservation(a, reservationId)).map((h) => h.status);

    expect([cancelledEarly!.status, cancelledLater!.status, unanswered!.status]).toEqual([
      'requested',
      'requested',
      'requested',
    ]);
    expect(letGo.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(timedOut.endReason).toBe('timed-out');
    // A hold placed for a reservation already let go is released: never active, never lost.
    for (const r of [cancelledEarly!, cancelledLater!, unanswered!])
      expect((await holdsOf(r.reservationId)).filter((s) => s !== 'released')).toEqual([]);
    expect(await holdOf(a, heldBefore.holdId!)).toMatchObject({
      status: 'released',
      end_reason: 'cancelled',
    });
    expect(await holdsOf(last.reservationId)).toEqual(['active']);
    expect(lastHeld.holdId).toEqual(expect.any(String));
    // Settled before its minute runs out, for the checks that follow.
    await a.call(MatchingRpc.cancelReservation, {
      actor: socialWorker,
      reservationId: last.reservationId,
    });
  }, 240_000);

  it('should let a hold run out by inventory’s job and reserve the aid for the next need in line', async () => {
    const { first, firstHold, next, nextHold } = await expiry();

    expect(first).toMatchObject({ status: 'expired', endReason: 'expired', offered: false });
    expect(firstHold).toMatchObject({ status: 'released', end_reason: 'expired' });
    expect(next).toMatchObject({ status: 'held', offered: true, goodId: first.goodId });
    expect(next.holdId).not.toBe(first.holdId);
    expect(nextHold).toMatchObject({ status: 'active' });
  }, 240_000);

  it('should leave matching and inventory in agreement after every path', async () => {
    await expiry();
    await reconciled(a.db);

    const statuses = (
      await a.db.matching.query<{ status: string }>(`SELECT DISTINCT status FROM reservation`)
    ).rows.map((r) => r.status);
    expect(statuses).toEqual(
      expect.arrayContaining([
        'handed-over',
        'rejected',
        'expired',
        'cancelled',
        'refused',
        'timed-out',
      ]),
    );
  }, 120_000);

  it('should hold exactly a hundred units of a lot for a thousand requests made at once', async () => {
    const { lotId, requested, refusedUpFront, otherErrors } = await burst();
    await eventually(
      async () => {
        const { rows } = await b.db.matching.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM reservation WHERE status = 'requested'`,
        );
        expect(rows[0]!.n).toBe('0');
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const byStatus = Object.fromEntries(
      (
        await b.db.matching.query<{ status: string; reason: string | null; n: string }>(
          `SELECT status, rejection_reason AS reason, count(*)::text AS n FROM reservation
            WHERE id = ANY($1::uuid[]) GROUP BY status, rejection_reason`,
          [requested],
        )
      ).rows.map((r) => [`${r.status}:${r.reason ?? ''}`, Number(r.n)]),
    );
    const held = await b.db.inventory.query<{ total: string; n: string }>(
      `SELECT coalesce(sum(quantity), 0)::text AS total, count(*)::text AS n
         FROM hold WHERE good_id = $1 AND status = 'active'`,
      [lotId],
    );
    const balances = await b.db.inventory.query<{ state: string; quantity: string }>(
      `SELECT state, quantity::text FROM stock_balance WHERE good_id = $1 AND quantity > 0 ORDER BY state`,
      [lotId],
    );

    expect(otherErrors).toEqual([]);
    expect(requested.length + refusedUpFront).toBe(1_000);
    expect(byStatus['confirmed:']).toBe(100);
    expect(byStatus).toEqual({
      'confirmed:': 100,
      ...(requested.length > 100 && { 'rejected:insufficient-quantity': requested.length - 100 }),
    });
    expect(held.rows[0]).toEqual({ total: '100.000', n: '100' });
    expect(balances.rows).toEqual([{ state: 'held', quantity: '100.000' }]);
    await reconciled(b.db);
  }, 240_000);
});
