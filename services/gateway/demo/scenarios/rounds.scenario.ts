import { CollectionRpc, InventoryRpc, type RpcResponse } from '@boucle/contracts';
import {
  DEVICE_MODELS,
  DONOR_PICKUPS,
  DOORS_LOT,
  MEMBERS,
  SHOP_GLASS,
  SITES,
  VILLAGE_VAN,
  type PickupData,
} from '../amiens.dataset.js';
import { nextDay, windowOn } from '../days.js';
import { stateLabel } from '../printer.js';
import type { ExpectedEvent } from '../events.js';
import { keyOfBody, type Body, type DemoSession, type Person } from '../session.js';
import type { Cluster } from '../setup.js';

type Round = RpcResponse<typeof CollectionRpc.getRound>;
type Good = RpcResponse<typeof InventoryRpc.getGood>;

/** A pickup of the day: what the driver records at its stop, and where the load goes. */
interface Planned {
  key: 'wheelchair' | 'lift' | 'doors' | 'bocal' | 'panier';
  pickupId: string;
  label: string;
  deliverTo: { siteId: string; locationId: string };
  collected: Body<typeof CollectionRpc.recordCollected>;
  /**
   * How inventory takes the load in: an intake where it was delivered, or, for the firm's
   * lot (in the cluster's stock since it was offered), the taker's hold handed over and the
   * part passed to the taker.
   */
  takenIn: { events: ExpectedEvent[]; about: string[] };
}

const INTAKE = { events: [{ type: 'inventory.intake.recorded' }], about: [] };

export interface RoundsResult {
  /** The Paris day planned. */
  day: string;
  pickups: Record<Planned['key'], string>;
  rounds: Round[];
  /** Serial numbers read off the aids' plates at the donors'. */
  serials: { wheelchair: string; lift: string };
  lotId: string;
  holdId: string;
  /** What inventory holds, after the round, at each site loads were taken to. */
  intakes: { atelier: Good[]; village: Good[]; laverie: Good[] };
}

/** How long a day's plan may take: the planner's own budget, and a worker thread to start. */
const PLAN_TIMEOUT_MS = 60_000;

/**
 * A day of collection rounds. Two donors' medical aids (two people and the tail-lift), the
 * deconstruction firm's doors held for the matériauthèque, and glass at two partner shops
 * (one by its collection point's fill threshold, one asking) are requested for a day; the
 * coordinator plans it, the village gives its van's round to its driver, who starts it and
 * records each stop collected, weighed and counted; inventory takes each load in where it
 * was delivered (the doors by the firm's hold handed over to the village, never counted in
 * twice).
 *
 * The day is the first from tomorrow on whose round of the village's van has not started:
 * played again the same day, the demonstration plans the next one.
 */
export async function roundsScenario(
  session: DemoSession,
  cluster: Cluster,
): Promise<RoundsResult> {
  session.section(
    'Tournées de collecte : demandes de donateurs, d’une entreprise et de boutiques, tournée planifiée et collectée',
  );
  const { people, sites, organisations } = cluster;
  const at = (site: keyof typeof SITES, location: string) => ({
    siteId: sites[site].siteId,
    locationId: sites[site].locations[location]!,
  });

  // The van, registered once however often the demonstration is played.
  const vanBody = {
    organisationId: organisations.village,
    name: VILLAGE_VAN.name,
    capacity: VILLAGE_VAN.capacity,
    skills: [...VILLAGE_VAN.skills],
    depot: VILLAGE_VAN.depot,
    workFrom: VILLAGE_VAN.workFrom,
    workUntil: VILLAGE_VAN.workUntil,
    break: VILLAGE_VAN.break,
    serviceMinutes: VILLAGE_VAN.serviceMinutes,
  };
  const { vehicleId } = await session.command(CollectionRpc.registerVehicle, {
    who: people.operateurVillage,
    what: `inscrit le ${VILLAGE_VAN.name} (${VILLAGE_VAN.capacity.kg} kg, ${VILLAGE_VAN.capacity.m3} m³, équipage de deux, ${VILLAGE_VAN.workFrom}–${VILLAGE_VAN.workUntil} au départ de Rivery)`,
    path: '/v1/vehicles',
    body: vanBody,
    idempotencyKey: keyOfBody('vehicle', vanBody),
  });
  const day = await freeDay(session, people.coordinatrice, vehicleId, nextDay(cluster.today));

  const request = async (
    who: Person,
    what: string,
    pickup: PickupData,
    body: Pick<Body<typeof CollectionRpc.requestPickup>, 'kind' | 'goods'> &
      Partial<Body<typeof CollectionRpc.requestPickup>>,
  ) =>
    (
      await session.command(CollectionRpc.requestPickup, {
        who,
        what,
        path: '/v1/pickups',
        body: {
          address: pickup.address,
          position: pickup.position,
          locality: pickup.locality,
          windows: [windowOn(day, pickup.window.from, pickup.window.until)],
          expectedLoad: pickup.expectedLoad,
          skills: pickup.skills,
          deliverTo: at(pickup.deliverTo.site, pickup.deliverTo.location),
          ...body,
        },
        events: [{ type: 'collection.pickup.requested' }],
        outcome: (answer) => `demande ${answer.pickupId.slice(0, 8)}`,
      })
    ).pickupId;

  // Donors at home: the village asks for them, naming each by a pseudonymous reference.
  const planned: Planned[] = [];
  const serials = {
    wheelchair: `${DONOR_PICKUPS.wheelchair.serialPrefix}-${session.runId}`,
    lift: `${DONOR_PICKUPS.lift.serialPrefix}-${session.runId}`,
  };
  for (const key of ['wheelchair', 'lift'] as const) {
    const donor = DONOR_PICKUPS[key];
    const model = DEVICE_MODELS[donor.model];
    const pickupId = await request(
      people.operateurAtelier,
      `demande l’enlèvement d’un ${model.label} chez un donateur à ${donor.locality} (${donor.window.from}–${donor.window.until}, à deux avec le hayon)`,
      donor,
      {
        kind: 'home',
        donorRef: `donneur-${session.runId}-${key}`,
        goods: [{ kind: 'item', make: model.make, model: model.model }],
      },
    );
    planned.push({
      key,
      pickupId,
      label: donor.label,
      deliverTo: at(donor.deliverTo.site, donor.deliverTo.location),
      collected: {
        roundId: '',
        pickupId,
        actual: { ...donor.expectedLoad, kg: donor.collectedKg },
        goods: [
          {
            kind: 'item',
            make: model.make,
            model: model.model,
            serialNumber: serials[key],
            weightKg: donor.collectedKg,
          },
        ],
        photoRefs: [`photo:${session.runId}:${key}`],
        signatureRef: `signature:${session.runId}:${key}`,
      },
      takenIn: INTAKE,
    });
  }

  // The firm: doors offered on its site, most of them held for the matériauthèque, which
  // the firm asks to be fetched before the site must be cleared.
  const firm = people.conducteurTravaux;
  const now = Date.now();
  const mustBeGoneBy = new Date(now + DOORS_LOT.mustBeGoneInDays * 86_400_000).toISOString();
  const { goodId: lotId } = await session.command(InventoryRpc.offerLot, {
    who: firm,
    what: `propose ${DOORS_LOT.quantity} ${DOORS_LOT.materialFamily} déposées au ${SITES[DOORS_LOT.site].name}`,
    path: '/v1/lots',
    body: {
      ...at(DOORS_LOT.site, DOORS_LOT.location),
      materialFamily: DOORS_LOT.materialFamily,
      quantity: String(DOORS_LOT.quantity),
      unit: DOORS_LOT.unit,
      dimensions: DOORS_LOT.dimensions,
      conditionGrade: DOORS_LOT.conditionGrade,
      wasteCode: DOORS_LOT.wasteCode,
      weightKg: DOORS_LOT.weightKg,
      availableFrom: new Date(now - 3_600_000).toISOString(),
      mustBeGoneBy,
      fallback: DOORS_LOT.fallback,
    },
    events: [{ type: 'inventory.lot.offered' }, { type: 'inventory.stock.moved' }],
  });
  const taker = `membre-${organisations.village}`;
  const { holdId } = await session.command(InventoryRpc.placeHold, {
    who: firm,
    what: `réserve ${DOORS_LOT.held} portes pour la matériauthèque du ${MEMBERS.village.name}`,
    path: '/v1/holds',
    body: {
      goodId: lotId,
      quantity: String(DOORS_LOT.held),
      holderId: taker,
      ttlSeconds: DOORS_LOT.holdSeconds,
    },
    events: [{ type: 'inventory.hold.placed' }, { type: 'inventory.stock.moved' }],
  });
  const doors = DOORS_LOT.pickup;
  const doorGoods = {
    kind: 'lot' as const,
    materialFamily: DOORS_LOT.materialFamily,
    quantity: String(DOORS_LOT.held),
    unit: DOORS_LOT.unit,
    conditionGrade: DOORS_LOT.conditionGrade,
    wasteCode: DOORS_LOT.wasteCode,
  };
  const doorsPickup = await request(
    firm,
    `demande l’enlèvement des ${DOORS_LOT.held} portes réservées, à livrer à la matériauthèque de Rivery (${doors.window.from}–${doors.window.until}, transpalette)`,
    doors,
    {
      kind: 'construction-site',
      goods: [doorGoods],
      lot: { goodId: lotId, mustBeGoneBy },
    },
  );
  planned.push({
    key: 'doors',
    pickupId: doorsPickup,
    label: doors.label,
    deliverTo: at(doors.deliverTo.site, doors.deliverTo.location),
    collected: {
      roundId: '',
      pickupId: doorsPickup,
      actual: { ...doors.expectedLoad, kg: doors.collectedKg },
      goods: [{ ...doorGoods, weightKg: doors.collectedKg }],
      photoRefs: [`photo:${session.runId}:doors`],
      signatureRef: `signature:${session.runId}:doors`,
    },
    takenIn: {
      events: [{ type: 'inventory.hold.handed-over' }],
      about: [lotId, holdId],
    },
  });

  // The épicerie's collection point: full crates counted at the counter call for a pickup.
  const point = SHOP_GLASS.point;
  const shopkeeper = people.gerantEpicerie;
  const pointBody = {
    name: point.name,
    kind: 'shop' as const,
    address: point.address,
    position: point.position,
    locality: point.locality,
    expectedLoad: point.expectedLoad,
    goods: [
      {
        kind: 'pool' as const,
        containerType: point.containerType,
        count: point.reportedCrates * point.perCrate,
        depositCents: point.depositCents,
      },
    ],
    deliverTo: at(point.deliverTo.site, point.deliverTo.location),
    threshold: { fullCrates: point.thresholdCrates },
    thresholdWindowHours: point.windowHours,
  };
  const { pointId } = await session.command(CollectionRpc.registerPoint, {
    who: shopkeeper,
    what: `déclare son point de collecte « ${point.name} » : une collecte dès ${point.thresholdCrates} casiers pleins`,
    path: '/v1/collection-points',
    body: pointBody,
    idempotencyKey: keyOfBody('collection-point', pointBody),
  });
  const filled = await session.command(CollectionRpc.reportFill, {
    status: 200,
    who: shopkeeper,
    what: `compte ${point.reportedCrates} casiers pleins de bouteilles consignées au comptoir`,
    path: '/v1/collection-points/:pointId/fill-reports',
    body: { pointId, fullCrates: point.reportedCrates },
    outcome: (answer) =>
      answer.thresholdReached
        ? `seuil atteint : collecte ${answer.pickupId?.slice(0, 8) ?? '?'}`
        : 'seuil non atteint',
  });
  if (!filled.pickupId)
    throw new Error('the fill report reached the threshold but asked for no pickup');
  planned.push({
    key: 'bocal',
    pickupId: filled.pickupId,
    label: `casiers du ${MEMBERS[point.shop].name}`,
    deliverTo: pointBody.deliverTo,
    collected: {
      roundId: '',
      pickupId: filled.pickupId,
      actual: { ...point.expectedLoad, kg: point.collectedKg },
      goods: [
        {
          kind: 'pool',
          containerType: point.containerType,
          count: point.reportedCrates * point.perCrate,
          depositCents: point.depositCents,
          weightKg: point.collectedKg,
        },
      ],
      photoRefs: [],
    },
    takenIn: INTAKE,
  });

  const jars = SHOP_GLASS.request;
  const jarsPickup = await request(
    people.gerantPanier,
    `demande l’enlèvement de ${jars.expectedLoad.crates} casiers de bocaux consignés (${jars.window.from}–${jars.window.until})`,
    jars,
    {
      kind: 'shop',
      goods: [
        {
          kind: 'pool',
          containerType: jars.containerType,
          count: jars.count,
          depositCents: jars.depositCents,
        },
      ],
    },
  );
  planned.push({
    key: 'panier',
    pickupId: jarsPickup,
    label: jars.label,
    deliverTo: at(jars.deliverTo.site, jars.deliverTo.location),
    collected: {
      roundId: '',
      pickupId: jarsPickup,
      actual: { ...jars.expectedLoad, kg: jars.collectedKg },
      goods: [
        {
          kind: 'pool',
          containerType: jars.containerType,
          count: jars.count,
          depositCents: jars.depositCents,
          weightKg: jars.collectedKg,
        },
      ],
      photoRefs: [`photo:${session.runId}:panier`],
    },
    takenIn: INTAKE,
  });
  const ids = planned.map((p) => p.pickupId);

  // The coordinator plans the day; the plan is made in the background, then read.
  const { requestedRevision } = await session.command(CollectionRpc.planDay, {
    status: 202,
    who: people.coordinatrice,
    what: `planifie les tournées du ${frenchDay(day)}`,
    path: '/v1/day-plans',
    body: { day },
    outcome: (answer) => `plan n° ${answer.requestedRevision} demandé`,
  });
  const plan = await session.until(CollectionRpc.listRounds, {
    who: people.coordinatrice,
    what: `lit les tournées du ${frenchDay(day)}`,
    path: '/v1/rounds',
    query: { day },
    timeoutMs: PLAN_TIMEOUT_MS,
    done: (answer) =>
      answer.plannedRevision >= requestedRevision &&
      ids.every(
        (id) =>
          answer.rounds.some((r) => r.stops.some((s) => s.pickupId === id)) ||
          answer.unplanned.some((u) => u.pickupId === id),
      ),
    outcome: (answer) =>
      `${answer.rounds.length} tournée(s), ${answer.rounds.reduce((n, r) => n + r.stops.length, 0)} arrêts, ${answer.rounds.reduce((km, r) => km + r.distanceKm, 0).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} km${answer.unplanned.length ? `, ${answer.unplanned.length} non planifiée(s)` : ''}`,
    about: (answer) => [...ids, ...answer.rounds.map((r) => r.roundId)],
    events: () => [{ type: 'collection.pickup.scheduled', count: ids.length }],
  });
  const left = plan.unplanned.filter((u) => ids.includes(u.pickupId));
  if (left.length > 0)
    throw new Error(
      `pickups left out of the plan: ${left.map((u) => `${u.pickupId} (${u.reason})`).join(', ')}`,
    );

  const driver = people.chauffeurVillage;
  const rounds: Round[] = [];
  for (const { roundId } of plan.rounds.filter((r) =>
    r.stops.some((s) => ids.includes(s.pickupId)),
  )) {
    await session.command(CollectionRpc.assignDriver, {
      status: 200,
      who: people.operateurVillage,
      what: 'confie la tournée à son chauffeur-collecteur',
      path: '/v1/rounds/:roundId/driver',
      body: { roundId, driverId: driver.userId },
    });
    const round = await session.query(CollectionRpc.getRound, {
      who: driver,
      what: 'ouvre sa tournée sur son téléphone',
      path: '/v1/rounds/:roundId',
      params: { roundId },
      outcome: (answer) =>
        answer.stops
          .map((s) => `${s.sequence}. ${time(s.eta)} ${labelOf(planned, s.pickupId)}`)
          .join(' ; '),
    });
    await session.command(CollectionRpc.startRound, {
      status: 200,
      who: driver,
      what: 'part du Village du réemploi de Rivery',
      path: '/v1/rounds/:roundId/start',
      body: { roundId },
      events: [{ type: 'collection.round.started' }],
    });
    for (const stop of round.stops) {
      const pickup = planned.find((p) => p.pickupId === stop.pickupId);
      // A stop left from an earlier play that stopped half-way is not this play's.
      if (!pickup) continue;
      await session.command(CollectionRpc.recordCollected, {
        status: 200,
        who: driver,
        what: `charge ${pickup.label} : ${pickup.collected.actual.kg} kg pesés${pickup.collected.goods.map(describeGood).join('')}`,
        path: '/v1/rounds/:roundId/stops/:pickupId/collection',
        body: { ...pickup.collected, roundId },
        about: () => [roundId, pickup.pickupId, pickup.deliverTo.siteId, ...pickup.takenIn.about],
        events: [{ type: 'collection.pickup.completed' }, ...pickup.takenIn.events],
        outcome: (answer) =>
          answer.roundStatus === 'completed'
            ? 'dernier arrêt : tournée terminée'
            : 'arrêt collecté',
      });
    }
    rounds.push(
      await session.query(CollectionRpc.getRound, {
        who: people.operateurVillage,
        what: 'consulte la tournée au retour',
        path: '/v1/rounds/:roundId',
        params: { roundId },
        outcome: (answer) =>
          `${answer.status === 'completed' ? 'terminée' : answer.status}, ${answer.stops.filter((s) => s.status === 'collected').length} arrêts collectés`,
      }),
    );
  }

  // What each site took in, as its people see it.
  const intakes = {
    atelier: await collectedAt(
      session,
      people.operateurAtelier,
      sites.atelier.siteId,
      'item',
      'consulte les aides techniques reçues à l’atelier',
    ),
    village: await collectedAt(
      session,
      people.operateurVillage,
      sites.village.siteId,
      'lot',
      'consulte les matériaux reçus à la matériauthèque',
    ),
    laverie: await collectedAt(
      session,
      people.operateurLaverie,
      sites.laverie.siteId,
      'pool',
      'consulte les casiers reçus au centre de lavage',
    ),
  };
  return {
    day,
    pickups: Object.fromEntries(planned.map((p) => [p.key, p.pickupId])) as RoundsResult['pickups'],
    rounds,
    serials,
    lotId,
    holdId,
    intakes,
  };
}

/** The first day from `from` on when the van is not out on a round already. */
async function freeDay(
  session: DemoSession,
  coordinator: Person,
  vehicleId: string,
  from: string,
): Promise<string> {
  let day = from;
  for (let tries = 0; tries < 60; tries++, day = nextDay(day)) {
    const { status, body } = await session.read(coordinator, `/v1/rounds?day=${day}`);
    if (status !== 200) throw new Error(`GET /v1/rounds?day=${day} answered ${status}`);
    const busy = (body as RpcResponse<typeof CollectionRpc.listRounds>).rounds.some(
      (r) => r.vehicleId === vehicleId && r.status !== 'planned',
    );
    if (!busy) return day;
  }
  throw new Error(`the van is out on every day of the next two months from ${from}`);
}

/**
 * The goods of a kind at a site still in the state a load comes in at (an aid `received`,
 * the rest `collected`): what the rounds brought in, newest first.
 */
async function collectedAt(
  session: DemoSession,
  who: Person,
  siteId: string,
  kind: 'item' | 'lot' | 'pool',
  what: string,
): Promise<Good[]> {
  const state = kind === 'item' ? 'received' : 'collected';
  const list = await session.query(InventoryRpc.listGoods, {
    who,
    what,
    path: '/v1/goods',
    query: { siteId, kind, state, limit: '20' },
    outcome: (answer) =>
      answer.goods
        .slice(0, 4)
        .map(
          (g) =>
            `${g.make ? `${g.make} ${g.model} n° ${g.serialNumber}` : g.kind} : ${g.stock.map((s) => `${s.quantity} ${stateLabel(s.state)}`).join(', ')}`,
        )
        .join(' ; ') || 'rien',
  });
  return Promise.all(
    list.goods.map(async (g) => {
      const { body } = await session.read(who, `/v1/goods/${g.id}`);
      return body as Good;
    }),
  );
}

function describeGood(good: Body<typeof CollectionRpc.recordCollected>['goods'][number]): string {
  switch (good.kind) {
    case 'item':
      return `, ${good.make} ${good.model} n° ${good.serialNumber}`;
    case 'lot':
      return `, ${good.quantity} ${good.materialFamily}`;
    case 'pool':
      return `, ${good.count} × ${good.containerType}`;
    case 'bulk':
      return `, ${good.weightKg} kg de carton`;
  }
}

function labelOf(planned: Planned[], pickupId: string): string {
  return planned.find((p) => p.pickupId === pickupId)?.label ?? `collecte ${pickupId.slice(0, 8)}`;
}

const time = (instant: string) =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(
    new Date(instant),
  );

const frenchDay = (day: string) =>
  new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(new Date(`${day}T12:00:00Z`));
