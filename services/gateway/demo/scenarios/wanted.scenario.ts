import { InventoryRpc, MatchingRpc, type RpcResponse } from '@boucle/contracts';
import { MEMBERS, SITES, WANTED_PARQUET } from '../amiens.dataset.js';
import { reservationLabel, stateLabel } from '../printer.js';
import type { DemoSession } from '../session.js';
import type { Cluster } from '../setup.js';
import { answered } from './discharge.scenario.js';

export interface WantedResult {
  lotId: string;
  needId: string;
  reservationId: string;
  holdId: string;
  /** Who inventory holds the part for: the renovation firm, as a member. */
  holderRef: string;
  reservation: RpcResponse<typeof MatchingRpc.getReservation>;
  lot: RpcResponse<typeof InventoryRpc.getGood>;
}

const m2 = (quantity: number | string) => `${quantity} m²`;

/**
 * A renovation firm puts oak parquet on its wanted list, finds by material the lot the
 * deconstruction firm offers on its site and reserves the part it needs: a material needs
 * nobody's approval, the reservation is confirmed with inventory's hold. The lot's firm
 * then sees the part held on its lot, the rest still on offer.
 */
export async function wantedScenario(
  session: DemoSession,
  cluster: Cluster,
): Promise<WantedResult> {
  session.section('Mise en relation : une liste de besoins, une part d’un lot de chantier');
  const { conducteurTravaux: deconstruction, conductriceRenovation: renovation } = cluster.people;
  const { lot: offer, wanted } = WANTED_PARQUET;
  const site = cluster.sites[offer.site];
  const now = Date.now();
  const made = (member: typeof wanted.member) => cluster.organisations[member];

  const { goodId: lotId } = await session.command(InventoryRpc.offerLot, {
    who: deconstruction,
    what: `propose ${m2(offer.quantity)} de ${offer.materialFamily} (état ${offer.conditionGrade}) au ${SITES[offer.site].name}, à enlever sous ${offer.mustBeGoneInDays} jours`,
    path: '/v1/lots',
    body: {
      siteId: site.siteId,
      locationId: site.locations[offer.location]!,
      materialFamily: offer.materialFamily,
      quantity: String(offer.quantity),
      unit: offer.unit,
      estimated: false,
      dimensions: offer.dimensions,
      conditionGrade: offer.conditionGrade,
      wasteCode: offer.wasteCode,
      weightKg: offer.weightKg,
      availableFrom: new Date(now - offer.availableFromHoursAgo * 3_600_000).toISOString(),
      mustBeGoneBy: new Date(now + offer.mustBeGoneInDays * 86_400_000).toISOString(),
      fallback: offer.fallback,
    },
    events: [{ type: 'inventory.lot.offered' }, { type: 'inventory.stock.moved' }],
  });

  const deadline = new Date(now + wanted.deadlineInDays * 86_400_000).toISOString();
  const { needId } = await session.command(MatchingRpc.registerNeed, {
    who: renovation,
    what: `inscrit sur sa liste de besoins ${m2(wanted.quantity)} de ${wanted.materialFamily}, état ${wanted.minConditionGrade} au moins, à moins de ${wanted.area.radiusKm} km d’Amiens, sous ${wanted.deadlineInDays} jours`,
    path: '/v1/needs',
    body: {
      kind: 'material',
      materialFamily: wanted.materialFamily,
      quantity: String(wanted.quantity),
      unit: wanted.unit,
      minConditionGrade: wanted.minConditionGrade,
      deadline,
      area: wanted.area,
    },
    events: [{ type: 'matching.need.registered' }],
    outcome: (answer) => `besoin ${answer.needId.slice(0, 8)}`,
  });

  // Listed once matching has heard of the offer; the newest first, as the firm reads it.
  const { latitude, longitude } = wanted.area.position;
  await session.until(MatchingRpc.searchCatalogue, {
    who: renovation,
    what: `cherche du ${wanted.materialFamily} près d’Amiens, ${m2(wanted.quantity)} au moins, état A ou B`,
    path: '/v1/catalogue',
    query: {
      kind: 'lot',
      materialFamily: wanted.materialFamily,
      conditionGrades: 'A,B',
      minQuantity: String(wanted.quantity),
      unit: wanted.unit,
      'near.latitude': String(latitude),
      'near.longitude': String(longitude),
      'near.withinKm': String(wanted.area.radiusKm),
      sort: 'newest',
      limit: '50',
    },
    done: (answer) => answer.goods.some((good) => good.goodId === lotId),
    outcome: (answer) => {
      const found = answer.goods.find((good) => good.goodId === lotId)!;
      return `${answer.goods.length} lot(s), dont ${m2(found.availableQuantity)} à ${found.locality ?? '—'}, ${found.distanceKm?.toLocaleString('fr-FR', { maximumFractionDigits: 1 }) ?? '—'} km`;
    },
  });

  const asked = await session.command(MatchingRpc.requestReservation, {
    who: renovation,
    what: `réserve ${m2(wanted.quantity)} des ${m2(offer.quantity)} du lot`,
    path: '/v1/reservations',
    body: { goodId: lotId, needId, quantity: String(wanted.quantity) },
    status: [201, 202],
    events: [
      { type: 'matching.reservation.requested' },
      { type: 'inventory.hold.placed' },
      { type: 'matching.reservation.status-changed' },
    ],
    outcome: (answer) =>
      `réservation ${answer.reservationId.slice(0, 8)} ${reservationLabel(answer.status)}${answer.approvalRequired ? '' : ', sans validation à attendre'}`,
  });
  const reservation = await answered(session, renovation, asked, 'confirmed');

  const lot = await session.query(InventoryRpc.getGood, {
    who: deconstruction,
    what: `consulte son lot et la réservation de ${MEMBERS[wanted.member].name}`,
    path: '/v1/goods/:goodId',
    params: { goodId: lotId },
    outcome: (good) => {
      const hold = good.activeHolds.find((h) => h.holdId === reservation.holdId);
      const stock = good.balances.map((b) => `${m2(b.quantity)} ${stateLabel(b.state)}`);
      return `${stock.join(', ')}${hold ? ` ; ${m2(hold.quantity)} tenus pour ${hold.holderId === made(wanted.member) ? MEMBERS[wanted.member].name : hold.holderId} jusqu’au ${new Date(hold.expiresAt).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}` : ''}`;
    },
  });

  return {
    lotId,
    needId,
    reservationId: reservation.reservationId,
    holdId: reservation.holdId!,
    holderRef: reservation.holderRef,
    reservation,
    lot,
  };
}
