import { InventoryRpc, MatchingRpc, type RpcResponse } from '@boucle/contracts';
import { DEVICE_MODELS, HOSPITAL_DISCHARGE, MEMBERS } from '../amiens.dataset.js';
import { daysAfter } from '../days.js';
import { needLabel, reservationLabel } from '../printer.js';
import { DemoStepError, type DemoSession, type Person } from '../session.js';
import type { Cluster } from '../setup.js';
import { throughTheGates } from './medical-aid.scenario.js';

type Reservation = RpcResponse<typeof MatchingRpc.getReservation>;

export interface DischargeResult {
  wheelchairId: string;
  serialNumber: string;
  needId: string;
  beneficiaryRef: string;
  reservationId: string;
  holdId: string;
  need: RpcResponse<typeof MatchingRpc.getNeed>;
  reservation: Reservation;
}

/**
 * A social worker of the social service asks a manual wheelchair for someone leaving
 * hospital within the week: the need is registered (the person's name and health stay
 * sealed in matching), the catalogue searched near Amiens, the workshop's certified
 * wheelchair reserved; the workshop's refurbisher approves it, its operator hands it over,
 * and matching closes the need as fulfilled.
 */
export async function dischargeScenario(
  session: DemoSession,
  cluster: Cluster,
): Promise<DischargeResult> {
  session.section('Mise en relation : une sortie d’hospitalisation, un fauteuil réservé et remis');
  const {
    travailleuseSociale: travailleuse,
    operateurAtelier: operatrice,
    technicienRbeu: technicien,
  } = cluster.people;
  const data = HOSPITAL_DISCHARGE;
  const site = cluster.sites[data.site];
  const fauteuil = DEVICE_MODELS[data.wheelchair.model];
  const serialNumber = `${data.wheelchair.serialPrefix}-${session.runId}`;

  // The workshop's wheelchair, brought to available as every aid is.
  const intake = await session.command(InventoryRpc.recordIntake, {
    who: operatrice,
    what: `pèse (${data.wheelchair.weightKg} kg net) et réceptionne un ${fauteuil.label} rendu par une famille d’${data.provenanceLocality}`,
    path: '/v1/intakes',
    body: {
      siteId: site.siteId,
      locationId: site.locations[data.location]!,
      grossWeightKg: Math.round((data.wheelchair.weightKg + data.tareKg) * 1000) / 1000,
      tareKg: data.tareKg,
      provenance: { locality: data.provenanceLocality, donorRef: `don-sh-${session.runId}` },
      collectionMode: data.collectionMode,
      goods: [
        {
          kind: 'item',
          serialNumber,
          make: fauteuil.make,
          model: fauteuil.model,
          manufacturedOn: `${Number(cluster.today.slice(0, 4)) - data.wheelchair.ageYears}-${cluster.today.slice(5, 7)}-01`,
          attributes: data.wheelchair.attributes,
          weightKg: data.wheelchair.weightKg,
        },
      ],
    },
    events: [{ type: 'inventory.intake.recorded' }, { type: 'inventory.stock.moved' }],
    outcome: (answer) => `réception ${answer.intakeId.slice(0, 8)}`,
  });
  const wheelchairId = intake.goodIds[0]!;
  await throughTheGates(session, cluster, {
    goodId: wheelchairId,
    serialNumber,
    newUseMonths: data.newUseMonths,
  });

  const neededBy = daysAfter(cluster.today, data.neededInDays);
  const { needId, beneficiaryRef } = await session.command(MatchingRpc.registerNeed, {
    who: travailleuse,
    what: `enregistre le besoin d’une personne qui sort de l’hôpital : fauteuil roulant manuel (ISO ${data.isoClass}), assise de ${data.seatWidthCm.min} à ${data.seatWidthCm.max} cm, avant le ${neededBy}, à ${data.place}`,
    path: '/v1/needs',
    body: {
      kind: 'medical-aid',
      isoClass: data.isoClass,
      beneficiary: data.beneficiary,
      constraints: { seatWidthCm: data.seatWidthCm },
      health: data.health,
      urgency: { level: 'urgent', neededBy, reason: 'hospital-discharge' },
      location: data.home,
      maxDistanceKm: data.maxDistanceKm,
    },
    events: [{ type: 'matching.need.registered' }],
    outcome: (answer) =>
      `besoin ${answer.needId.slice(0, 8)}, bénéficiaire ${answer.beneficiaryRef}`,
  });

  // The catalogue lists the aid once matching has heard it made available: asked until then.
  const { latitude, longitude } = data.home.position;
  await session.until(MatchingRpc.searchCatalogue, {
    who: travailleuse,
    what: `cherche « ${data.searchText} » à moins de ${data.maxDistanceKm} km d’Amiens, assise de ${data.seatWidthCm.min} à ${data.seatWidthCm.max} cm`,
    path: '/v1/catalogue',
    query: {
      text: data.searchText,
      'near.latitude': String(latitude),
      'near.longitude': String(longitude),
      'near.withinKm': String(data.maxDistanceKm),
      'attributes.seatWidthCm.min': String(data.seatWidthCm.min),
      'attributes.seatWidthCm.max': String(data.seatWidthCm.max),
      limit: '50',
    },
    done: (answer) => answer.goods.some((good) => good.goodId === wheelchairId),
    outcome: (answer) => {
      const found = answer.goods.find((good) => good.goodId === wheelchairId)!;
      return `${answer.goods.length} résultat(s), dont « ${found.title} » à ${found.locality ?? '—'}, ${found.distanceKm?.toLocaleString('fr-FR', { maximumFractionDigits: 1 }) ?? '—'} km`;
    },
  });

  let reservation: Reservation = await session.command(MatchingRpc.requestReservation, {
    who: travailleuse,
    what: `réserve le fauteuil n° ${serialNumber} pour la bénéficiaire`,
    path: '/v1/reservations',
    body: { goodId: wheelchairId, needId },
    // 201 once inventory held it; 202 while it is still asked.
    status: [201, 202],
    events: [
      { type: 'matching.reservation.requested' },
      { type: 'inventory.hold.placed' },
      { type: 'matching.reservation.status-changed' },
    ],
    outcome: (answer) =>
      `réservation ${answer.reservationId.slice(0, 8)} ${reservationLabel(answer.status)}`,
  });
  reservation = await answered(session, travailleuse, reservation, 'held');
  const holdId = reservation.holdId!;

  reservation = await session.command(MatchingRpc.approveReservation, {
    status: 200,
    who: technicien,
    what: `valide la réservation pour la bénéficiaire (${MEMBERS.village.name})`,
    path: '/v1/reservations/:reservationId/approval',
    body: { reservationId: reservation.reservationId },
    events: [{ type: 'matching.reservation.status-changed' }],
    outcome: (answer) => reservationLabel(answer.status),
  });

  await session.command(InventoryRpc.handOverHold, {
    status: 200,
    who: operatrice,
    what: 'remet le fauteuil à la bénéficiaire, venue le chercher avec sa fille',
    path: '/v1/holds/:holdId/hand-over',
    body: { holdId, beneficiaryRef: reservation.holderRef },
    about: () => [holdId, wheelchairId, reservation.reservationId, needId],
    events: [
      { type: 'inventory.hold.handed-over' },
      { type: 'inventory.stock.moved' },
      { type: 'matching.reservation.status-changed' },
      { type: 'matching.need.closed' },
    ],
  });

  // Matching closes the need when it hears of the hand-over: read until it has.
  const need = await session.until(MatchingRpc.getNeed, {
    who: travailleuse,
    what: 'consulte le besoin',
    path: '/v1/needs/:needId',
    params: { needId },
    done: (answer) => answer.status !== 'open',
    timeoutMs: 30_000,
    outcome: (answer) => `besoin ${needLabel(answer.status)}`,
  });
  reservation = await session.query(MatchingRpc.getReservation, {
    who: travailleuse,
    what: 'consulte la réservation',
    path: '/v1/reservations/:reservationId',
    params: { reservationId: reservation.reservationId },
    outcome: (answer) =>
      `${reservationLabel(answer.status)}, validée par ${answer.approval?.by ?? '—'}`,
  });

  return {
    wheelchairId,
    serialNumber,
    needId,
    beneficiaryRef: beneficiaryRef!,
    reservationId: reservation.reservationId,
    holdId,
    need,
    reservation,
  };
}

/**
 * A reservation answered 202 is still asked of inventory: it is read until inventory has
 * answered (held, or why not). The play stops unless it came to `expected`.
 */
export async function answered(
  session: DemoSession,
  who: Person,
  reservation: Reservation,
  expected: Reservation['status'],
): Promise<Reservation> {
  const now =
    reservation.status !== 'requested'
      ? reservation
      : await session.until(MatchingRpc.getReservation, {
          who,
          what: 'suit la réservation jusqu’à la réponse de l’inventaire',
          path: '/v1/reservations/:reservationId',
          params: { reservationId: reservation.reservationId },
          done: (answer) => answer.status !== 'requested',
          timeoutMs: 30_000,
          outcome: (answer) => reservationLabel(answer.status),
        });
  if (now.status !== expected)
    throw new DemoStepError(
      `reservation ${now.reservationId} is ${now.status}, not ${expected}${now.rejection ? `: ${now.rejection.message}` : ''}`,
      session.steps[session.steps.length - 1]!,
    );
  return now;
}
