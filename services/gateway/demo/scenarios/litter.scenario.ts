import { InventoryRpc, type RpcResponse } from '@boucle/contracts';
import { CARDBOARD, MEMBERS } from '../amiens.dataset.js';
import { stateLabel } from '../printer.js';
import type { DemoSession } from '../session.js';
import type { Cluster } from '../setup.js';

export interface LitterResult {
  intakeId: string;
  cardboardId: string;
  transformationId: string;
  balesId: string;
  bales: RpcResponse<typeof InventoryRpc.getGood>;
}

/**
 * Cardboard into horse litter: clean corrugated cardboard collected at a shop is weighed in
 * at the work-integration workshop, shredded and pressed into bales with its mass balance
 * (what went in = the bales + what was lost), and bales are delivered to an equestrian centre.
 */
export async function litterScenario(
  session: DemoSession,
  cluster: Cluster,
): Promise<LitterResult> {
  session.section('Carton en litière : collecte, broyage en balles, livraison');
  const operator = cluster.people.encadrantLitiere;
  const site = cluster.sites[CARDBOARD.site];

  const intake = await session.command(InventoryRpc.recordIntake, {
    who: operator,
    what: `pèse ${CARDBOARD.weightKg} kg de carton ondulé propre collectés chez ${MEMBERS[CARDBOARD.from].name}`,
    path: '/v1/intakes',
    body: {
      siteId: site.siteId,
      locationId: site.locations[CARDBOARD.location]!,
      grossWeightKg: CARDBOARD.weightKg + CARDBOARD.tareKg,
      tareKg: CARDBOARD.tareKg,
      provenance: { locality: 'Dury', organisationId: cluster.organisations[CARDBOARD.from] },
      collectionMode: 'pickup',
      goods: [{ kind: 'bulk', material: 'cardboard', weightKg: CARDBOARD.weightKg }],
    },
    events: [{ type: 'inventory.intake.recorded' }, { type: 'inventory.stock.moved' }],
  });
  const cardboardId = intake.goodIds[0]!;

  const transformation = await session.command(InventoryRpc.recordTransformation, {
    who: operator,
    what: `broie le carton en ${CARDBOARD.bales} balles de ${CARDBOARD.baleKg} kg (${CARDBOARD.lossKg} kg de poussières et d’adhésifs)`,
    path: '/v1/transformations',
    body: {
      kind: 'cardboard-to-litter',
      locationId: site.locations[CARDBOARD.baleLocation]!,
      inputs: [
        { goodId: cardboardId, quantity: String(CARDBOARD.weightKg), weightKg: CARDBOARD.weightKg },
      ],
      bales: Array.from({ length: CARDBOARD.bales }, () => ({ weightKg: CARDBOARD.baleKg })),
      lossKg: CARDBOARD.lossKg,
    },
    events: [{ type: 'inventory.good.transformed' }, { type: 'inventory.stock.moved', count: 2 }],
    outcome: (answer) =>
      `${answer.inputKg} kg → ${answer.outputKg} kg + ${answer.lossKg} kg de perte`,
  });
  const balesId = transformation.outputGoodIds[0]!;

  const deliveredKg = CARDBOARD.deliveredBales * CARDBOARD.baleKg;
  await session.command(InventoryRpc.moveGood, {
    who: operator,
    what: `livre ${CARDBOARD.deliveredBales} balles (${deliveredKg} kg) à un centre équestre voisin`,
    path: '/v1/goods/:goodId/moves',
    body: {
      goodId: balesId,
      quantity: String(deliveredKg),
      fromState: 'available',
      toState: 'delivered',
      reason: 'delivered',
      note: 'centre équestre, litière pour boxes',
    },
    events: [{ type: 'inventory.stock.moved' }],
  });
  const bales = await session.query(InventoryRpc.getGood, {
    who: operator,
    what: 'consulte le stock de balles',
    path: '/v1/goods/:goodId',
    params: { goodId: balesId },
    outcome: (good) =>
      good.balances.map((b) => `${b.quantity} kg ${stateLabel(b.state)}`).join(', '),
  });
  return {
    intakeId: intake.intakeId,
    cardboardId,
    transformationId: transformation.transformationId,
    balesId,
    bales,
  };
}
