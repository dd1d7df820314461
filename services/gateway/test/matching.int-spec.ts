import { eventually, parisDay } from '@boucle/testing';
import { startGatewaySystem, type GatewaySystem } from './harness.js';
import { closeStreams, open, type Stream } from './sse-client.js';

/*
 * Matching through the gateway, in front of real inventory and matching: a social worker
 * (an operator of a social service) registers a need for a beneficiary, finds a
 * wheelchair the workshop brought to available in the catalogue, reserves it and follows
 * the reservation live, while the workshop approves, refuses or the social worker lets go.
 */

const MODEL = { make: 'Invacare', model: 'Action 3 NG', isoClass: '12 22 03' };
const CHECKLIST = ['châssis et croisillon', 'freins de stationnement', 'toile d’assise'];
const LONGUEAU = { latitude: 49.8708, longitude: 2.3569 };
const AMIENS = { latitude: 49.8945, longitude: 2.2957 };

/** The events of a stream about one reservation, by name. */
const about = (stream: Stream, event: string, reservationId: string) =>
  stream.events.filter(
    (e) =>
      e.event === event &&
      (e.data['data'] as Record<string, unknown>)['reservationId'] === reservationId,
  );
const statusesOf = (stream: Stream, reservationId: string) =>
  about(stream, 'matching.reservation.status-changed.v1', reservationId).map(
    (e) => (e.data['data'] as { status: string }).status,
  );

describe('gateway matching routes', () => {
  let system: GatewaySystem;
  let workshop: { organisationId: string; siteId: string; locationId: string };
  let certificateId: string;
  let socialService: string;
  let otherService: string;
  let socialWorker: string;
  let workshopOperator: string;
  let refurbisher: string;
  let coordinator: string;
  let serial = 0;

  /** A wheelchair weighed in at the workshop and taken through every gate to available. */
  async function availableWheelchair(): Promise<string> {
    const intake = await system.call('POST', '/v1/intakes', workshopOperator, {
      siteId: workshop.siteId,
      locationId: workshop.locationId,
      grossWeightKg: 20,
      tareKg: 2,
      provenance: { locality: 'Camon' },
      collectionMode: 'drop-off',
      goods: [
        {
          kind: 'item',
          serialNumber: `IA3NG-${++serial}-${Date.now()}`,
          make: MODEL.make,
          model: MODEL.model,
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
        { certificateId, newUseMonths: 24, instructionsRef: 'doc://invacare/action-3-ng' },
      ],
      ['release', {}],
    ];
    for (const [gate, body] of gates) {
      const answer = await system.call('POST', `/v1/goods/${goodId}/${gate}`, refurbisher, body);
      expect({ gate, status: answer.status, detail: answer.body['detail'] }).toMatchObject({
        status: 200,
      });
    }
    return goodId;
  }

  /** A need for a wheelchair, registered by the social worker for a new beneficiary. */
  async function need(name: string, bearer = socialWorker) {
    const answer = await system.call('POST', '/v1/needs', bearer, {
      kind: 'medical-aid',
      isoClass: '12 22',
      beneficiary: { name, contact: { phone: '03 22 00 00 00' } },
      constraints: { seatWidthCm: { min: 42 } },
      health: { notes: 'sortie d’hospitalisation, hémiplégie droite' },
      urgency: { level: 'urgent', reason: 'hospital-discharge' },
      location: { position: AMIENS, locality: 'Amiens' },
    });
    expect(answer.status).toBe(201);
    return answer.body as { needId: string; beneficiaryRef: string };
  }

  /** The good, once matching's catalogue lists it as available. */
  async function listed(goodId: string): Promise<Record<string, unknown>> {
    return eventually(
      async () => {
        const { status, body } = await system.call('GET', `/v1/catalogue/${goodId}`, socialWorker);
        expect(status).toBe(200);
        expect(body['availableQuantity']).toBe('1');
        return body;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  beforeAll(async () => {
    system = await startGatewaySystem();
    coordinator = await system.person('coordinator', null);
    const organisation = async (name: string, kind: string) => {
      const { body } = await system.call('POST', '/v1/organisations', coordinator, { name, kind });
      return body['organisationId'] as string;
    };
    const workshopId = await organisation('Atelier aides techniques', 'workshop');
    socialService = await organisation('Service autonomie', 'social-service');
    otherService = await organisation('Autre service social', 'social-service');
    workshopOperator = await system.person('operator', workshopId, 'workshop-operator');
    refurbisher = await system.person('refurbisher', workshopId, 'workshop-refurbisher');
    socialWorker = await system.person('operator', socialService, 'social-worker');
    const site = await system.call('POST', '/v1/sites', workshopOperator, {
      organisationId: workshopId,
      name: 'Atelier de Longueau',
      kind: 'workshop',
      locality: 'Longueau',
      position: LONGUEAU,
      locations: ['réception', 'stock disponible'],
    });
    expect(site.status).toBe(201);
    workshop = {
      organisationId: workshopId,
      siteId: site.body['siteId'] as string,
      locationId: (site.body['locations'] as { id: string }[])[0]!.id,
    };
    const model = await system.call('POST', '/v1/device-models', coordinator, {
      ...MODEL,
      lifetimeYears: 8,
      checklist: CHECKLIST,
      instructionsRef: 'doc://invacare/action-3-ng',
    });
    expect(model.status).toBe(201);
    const certificate = await system.call('POST', '/v1/certificates', coordinator, {
      siteId: workshop.siteId,
      reference: 'NF S97-414 n° 2026-042',
      validFrom: '2026-01-01',
      validUntil: '2029-12-31',
    });
    expect(certificate.status).toBe(201);
    certificateId = certificate.body['certificateId'] as string;
  }, 180_000);

  afterAll(async () => {
    closeStreams();
    await system?.close();
  }, 30_000);

  it('should let a social worker register a need, find the aid, reserve it (201 once held) and follow it to its approval', async () => {
    const goodId = await availableWheelchair();
    const { needId, beneficiaryRef } = await need('Jeanne Martin');
    const needStream = await open(system, `?need=${needId}`, socialWorker);
    expect(needStream.status).toBe(200);

    const shown = await system.call('GET', `/v1/needs/${needId}`, socialWorker);
    await listed(goodId);
    const search = await eventually(
      async () => {
        const answer = await system.call(
          'GET',
          `/v1/catalogue?isoClass=12%2022&near.latitude=${AMIENS.latitude}&near.longitude=${AMIENS.longitude}&near.withinKm=30&attributes.seatWidthCm.min=42&attributes.foldable=true`,
          socialWorker,
        );
        expect(answer.status).toBe(200);
        expect((answer.body['goods'] as { goodId: string }[]).map((g) => g.goodId)).toContain(
          goodId,
        );
        return answer;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const reserved = await system.call(
      'POST',
      '/v1/reservations',
      socialWorker,
      { goodId, needId },
      { 'idempotency-key': `reserve-${needId}` },
    );
    const reservationId = reserved.body['reservationId'] as string;
    const stream = await open(system, `?reservation=${reservationId}`, socialWorker);
    const approved = await system.call(
      'POST',
      `/v1/reservations/${reservationId}/approval`,
      workshopOperator,
      {},
    );
    const read = await system.call('GET', `/v1/reservations/${reservationId}`, socialWorker);
    const ofNeed = await system.call('GET', `/v1/reservations?needId=${needId}`, socialWorker);

    expect(shown).toMatchObject({
      status: 200,
      body: {
        needId,
        beneficiaryRef,
        status: 'open',
        beneficiary: { name: 'Jeanne Martin' },
        health: { notes: 'sortie d’hospitalisation, hémiplégie droite' },
        organisationId: socialService,
      },
    });
    const found = (search.body['goods'] as { goodId: string; distanceKm: number }[]).find(
      (g) => g.goodId === goodId,
    )!;
    expect(found.distanceKm).toBeGreaterThan(0);
    expect(reserved).toMatchObject({
      status: 201,
      body: { reservationId, goodId, needId, status: 'held', approvalRequired: true },
    });
    expect(reserved.headers.get('location')).toBe(`/v1/reservations/${reservationId}`);
    expect(stream.status).toBe(200);
    expect(approved).toMatchObject({ status: 200, body: { status: 'confirmed' } });
    expect(read.body).toMatchObject({ status: 'confirmed', approval: { decision: 'approved' } });
    expect(ofNeed.body['reservations']).toEqual([
      expect.objectContaining({ reservationId, status: 'confirmed' }),
    ]);
    await eventually(() => {
      expect(statusesOf(stream, reservationId)).toContain('confirmed');
      expect(statusesOf(needStream, reservationId)).toEqual(
        expect.arrayContaining(['held', 'confirmed']),
      );
    });
    // Opened after the hold: what it shows is what came after, the approval.
    expect(about(stream, 'inventory.hold.placed.v1', reservationId)).toEqual([]);
    // Events name ids and references, never who the beneficiary is.
    expect(JSON.stringify([...stream.events, ...needStream.events])).not.toContain('Jeanne');
  }, 120_000);

  it('should answer 202 with where to read a reservation still asked, then show it held there', async () => {
    const goodId = await availableWheelchair();
    await listed(goodId);
    const { needId } = await need('Paul Lefèvre');
    const impatient = await system.anotherGateway({ RESERVATION_WAIT_MS: '0' });
    const needStream = await open(system, `?need=${needId}`, socialWorker);

    const asked = await impatient.call('POST', '/v1/reservations', socialWorker, {
      goodId,
      needId,
    });
    const reservationId = asked.body['reservationId'] as string;
    const location = asked.headers.get('location')!;
    const held = await eventually(
      async () => {
        const { body } = await system.call('GET', location, socialWorker);
        expect(body['status']).toBe('held');
        return body;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // Held for this need: matching takes no second reservation of it.
    const again = await system.call('POST', '/v1/reservations', socialWorker, { goodId, needId });

    expect(asked).toMatchObject({ status: 202, body: { goodId, needId, status: 'requested' } });
    expect(location).toBe(`/v1/reservations/${reservationId}`);
    expect(held).toMatchObject({ reservationId, holdId: expect.any(String) });
    expect(again).toMatchObject({ status: 409 });
    await eventually(() => expect(statusesOf(needStream, reservationId)).toContain('held'));
  }, 120_000);

  it('should let the workshop refuse a held aid, saying why, and the social worker let one go', async () => {
    const refusedGood = await availableWheelchair();
    const cancelledGood = await availableWheelchair();
    await listed(refusedGood);
    await listed(cancelledGood);
    const { needId } = await need('Louise Petit');
    const other = await need('Henri Moreau');
    const toRefuse = await system.call('POST', '/v1/reservations', socialWorker, {
      goodId: refusedGood,
      needId,
    });
    const toCancel = await system.call('POST', '/v1/reservations', socialWorker, {
      goodId: cancelledGood,
      needId: other.needId,
    });
    expect([toRefuse.status, toCancel.status]).toEqual([201, 201]);
    const refusedId = toRefuse.body['reservationId'] as string;
    const cancelledId = toCancel.body['reservationId'] as string;
    const awaiting = await system.call(
      'GET',
      '/v1/reservations?awaitingApproval=true',
      workshopOperator,
    );
    const stream = await open(
      system,
      `?reservation=${refusedId}&reservation=${cancelledId}`,
      socialWorker,
    );

    const refused = await system.call(
      'POST',
      `/v1/reservations/${refusedId}/refusal`,
      workshopOperator,
      { note: 'le dossier d’assise ne convient pas à la prescription' },
    );
    const cancelled = await system.call(
      'POST',
      `/v1/reservations/${cancelledId}/cancellation`,
      socialWorker,
      {},
    );
    const noNote = await system.call(
      'POST',
      `/v1/reservations/${refusedId}/refusal`,
      workshopOperator,
      {},
    );

    expect(
      (awaiting.body['reservations'] as { reservationId: string }[]).map((r) => r.reservationId),
    ).toEqual(expect.arrayContaining([refusedId, cancelledId]));
    expect(refused).toMatchObject({
      status: 200,
      body: {
        status: 'refused',
        approval: {
          decision: 'refused',
          note: 'le dossier d’assise ne convient pas à la prescription',
        },
      },
    });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(noNote).toMatchObject({
      status: 422,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(JSON.stringify(noNote.body['errors'])).toContain('note');
    await eventually(() => {
      expect(statusesOf(stream, refusedId)).toContain('refused');
      expect(statusesOf(stream, cancelledId)).toContain('cancelled');
    });
  }, 180_000);

  it('should page needs by cursor, with the next page in Link', async () => {
    await need('Page Un');
    await need('Page Deux');

    const first = await system.call('GET', '/v1/needs?limit=1&status=open', socialWorker);
    const link = first.headers.get('link') ?? '';
    const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    const second = await system.call('GET', next ?? '/none', socialWorker);

    expect(first.status).toBe(200);
    expect(first.body['needs']).toHaveLength(1);
    expect(next).toMatch(/^\/v1\/needs\?limit=1&status=open&cursor=/);
    expect(second.status).toBe(200);
    expect(second.body['needs']).toHaveLength(1);
    expect((second.body['needs'] as { needId: string }[])[0]!.needId).not.toBe(
      (first.body['needs'] as { needId: string }[])[0]!.needId,
    );
  }, 60_000);

  it("should answer another social service's people as if the need and reservation did not exist, on routes and streams", async () => {
    const goodId = await availableWheelchair();
    await listed(goodId);
    const { needId } = await need('Claire Fontaine');
    const reserved = await system.call('POST', '/v1/reservations', socialWorker, {
      goodId,
      needId,
    });
    const reservationId = reserved.body['reservationId'] as string;
    const stranger = await system.person('operator', otherService, 'other-social-worker');

    const need404 = await system.call('GET', `/v1/needs/${needId}`, stranger);
    const reservation404 = await system.call('GET', `/v1/reservations/${reservationId}`, stranger);
    const reserve404 = await system.call('POST', '/v1/reservations', stranger, { goodId, needId });
    const needStream = await open(system, `?need=${needId}`, stranger);
    const reservationStream = await open(system, `?reservation=${reservationId}`, stranger);
    const missingStream = await open(system, `?need=${crypto.randomUUID()}`, stranger);
    const notAnId = await open(system, `?reservation=nope`, stranger);

    for (const answer of [need404, reservation404, reserve404])
      expect(answer).toMatchObject({
        status: 404,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
    expect(needStream.status).toBe(404);
    expect(reservationStream.status).toBe(404);
    expect(needStream.problem['title']).toBe(missingStream.problem['title']);
    expect(notAnId).toMatchObject({ status: 422 });
    expect(String(notAnId.problem['detail'])).toContain('reservation');
  }, 120_000);

  it('should set social priority for the coordinator only, list proposals for the good’s member, and erase a beneficiary', async () => {
    const goodId = await availableWheelchair();
    await listed(goodId);
    const { needId, beneficiaryRef } = await need('Odette Roux');

    const byCoordinator = await system.call('POST', `/v1/needs/${needId}/priority`, coordinator, {
      socialPriority: 7,
    });
    const bySocialWorker = await system.call('POST', `/v1/needs/${needId}/priority`, socialWorker, {
      socialPriority: 9,
    });
    const proposals = await system.call('GET', `/v1/goods/${goodId}/proposals`, workshopOperator);
    const badReference = await system.call(
      'POST',
      '/v1/beneficiaries/%20not%20a%20ref/erasure',
      socialWorker,
      {},
    );
    const erased = await system.call(
      'POST',
      `/v1/beneficiaries/${beneficiaryRef}/erasure`,
      socialWorker,
      {},
    );
    const after = await system.call('GET', `/v1/needs/${needId}`, socialWorker);

    expect(byCoordinator).toMatchObject({ status: 200, body: { needId, socialPriority: 7 } });
    expect(bySocialWorker).toMatchObject({
      status: 403,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(proposals).toMatchObject({ status: 200, body: { goodId } });
    expect(badReference).toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ path: 'beneficiaryRef' })] },
    });
    expect(erased).toMatchObject({ status: 200, body: { beneficiaryRef, needs: 1 } });
    expect(after.body).toMatchObject({ status: 'erased', beneficiary: null, health: null });
  }, 120_000);
});
