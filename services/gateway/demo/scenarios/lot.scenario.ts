import { InventoryRpc, type RpcResponse } from '@boucle/contracts';
import { MEMBERS, PARQUET_LOT, SITES } from '../amiens.dataset.js';
import { stateLabel } from '../printer.js';
import type { DemoSession } from '../session.js';
import type { Cluster } from '../setup.js';

export interface LotResult {
  lotId: string;
  holds: { holdId: string; holderId: string; quantity: string }[];
  diverted: string;
  lot: RpcResponse<typeof InventoryRpc.getGood>;
}

/**
 * The deconstruction firm offers oak parquet still on its site for the window of the works;
 * two members take part of it (each a hold, then a hand-over when they come for it), and
 * what nobody took goes to the wood recycling route the offer named.
 */
export async function lotScenario(session: DemoSession, cluster: Cluster): Promise<LotResult> {
  session.section('Réemploi de matériaux : un lot de chantier, deux preneurs, le reste en filière');
  const firm = cluster.people.conducteurTravaux;
  const site = cluster.sites[PARQUET_LOT.site];
  const now = Date.now();
  const m2 = (quantity: number) => `${quantity} m²`;

  const { goodId: lotId } = await session.command(InventoryRpc.offerLot, {
    who: firm,
    what: `propose ${m2(PARQUET_LOT.quantity)} de ${PARQUET_LOT.materialFamily} déposé au ${SITES[PARQUET_LOT.site].name} (quantité estimée, à enlever sous ${PARQUET_LOT.mustBeGoneInDays} jours)`,
    path: '/v1/lots',
    body: {
      siteId: site.siteId,
      locationId: site.locations[PARQUET_LOT.location]!,
      materialFamily: PARQUET_LOT.materialFamily,
      quantity: String(PARQUET_LOT.quantity),
      unit: PARQUET_LOT.unit,
      estimated: true,
      dimensions: PARQUET_LOT.dimensions,
      conditionGrade: PARQUET_LOT.conditionGrade,
      wasteCode: PARQUET_LOT.wasteCode,
      weightKg: PARQUET_LOT.weightKg,
      availableFrom: new Date(now - PARQUET_LOT.availableFromHoursAgo * 3_600_000).toISOString(),
      mustBeGoneBy: new Date(now + PARQUET_LOT.mustBeGoneInDays * 86_400_000).toISOString(),
      fallback: PARQUET_LOT.fallback,
    },
    events: [{ type: 'inventory.lot.offered' }, { type: 'inventory.stock.moved' }],
  });

  const holds: LotResult['holds'] = [];
  for (const taker of PARQUET_LOT.takers) {
    // A taker is named by an opaque reference: here, the member's own id.
    const holderId = `membre-${cluster.organisations[taker.member]}`;
    const quantity = String(taker.quantity);
    const { holdId } = await session.command(InventoryRpc.placeHold, {
      who: firm,
      what: `réserve ${m2(taker.quantity)} pour ${taker.label}`,
      path: '/v1/holds',
      body: { goodId: lotId, quantity, holderId, ttlSeconds: PARQUET_LOT.holdSeconds },
      events: [{ type: 'inventory.hold.placed' }, { type: 'inventory.stock.moved' }],
    });
    holds.push({ holdId, holderId, quantity });
  }

  const { diverted } = await session.command(InventoryRpc.divertLot, {
    status: 200,
    who: firm,
    what: `oriente le reste vers la filière prévue (${PARQUET_LOT.fallback.facility}) : le chantier avance`,
    path: '/v1/lots/:goodId/diversion',
    body: { goodId: lotId, destination: PARQUET_LOT.fallback },
    events: [{ type: 'inventory.lot.diverted' }, { type: 'inventory.stock.moved' }],
    outcome: (answer) => `${answer.diverted} m² orientés`,
  });

  for (const [index, hold] of holds.entries()) {
    const taker = PARQUET_LOT.takers[index]!;
    await session.command(InventoryRpc.handOverHold, {
      status: 200,
      who: firm,
      what: `remet ${m2(taker.quantity)} à ${taker.label} (${MEMBERS[taker.member].name}), venu les enlever`,
      path: '/v1/holds/:holdId/hand-over',
      body: { holdId: hold.holdId, beneficiaryRef: hold.holderId },
      events: [{ type: 'inventory.hold.handed-over' }, { type: 'inventory.stock.moved' }],
    });
  }

  const lot = await session.query(InventoryRpc.getGood, {
    who: firm,
    what: 'consulte le lot',
    path: '/v1/goods/:goodId',
    params: { goodId: lotId },
    outcome: (good) =>
      good.balances.map((b) => `${b.quantity} m² ${stateLabel(b.state)}`).join(', ') || 'plus rien',
  });
  return { lotId, holds, diverted, lot };
}
