import { InventoryRpc, type RpcResponse } from '@boucle/contracts';
import { BOTTLE_CRATES, MEMBERS } from '../amiens.dataset.js';
import { stateLabel } from '../printer.js';
import type { DemoSession } from '../session.js';
import type { Cluster } from '../setup.js';

export interface GlassResult {
  intakeId: string;
  poolId: string;
  transformationId: string;
  holdId: string;
  pool: RpcResponse<typeof InventoryRpc.getGood>;
}

/**
 * Deposit glass: the épicerie's crates of returned bottles reach the washing centre, are
 * weighed and counted in, go through a washing batch (washed and broken counted), are put
 * in clean stock, and part of them is delivered to the brewery that fills them again.
 */
export async function glassScenario(session: DemoSession, cluster: Cluster): Promise<GlassResult> {
  session.section('Consigne du verre : casiers d’une boutique, lavage, livraison à un producteur');
  const operator = cluster.people.operateurLaverie;
  const site = cluster.sites[BOTTLE_CRATES.site];
  const crates = BOTTLE_CRATES.count / 12;
  const shop = MEMBERS[BOTTLE_CRATES.from].name;

  const intake = await session.command(InventoryRpc.recordIntake, {
    who: operator,
    what: `pèse et compte ${crates} casiers rapportés par ${shop} : ${BOTTLE_CRATES.count} bouteilles 75 cl consignées ${BOTTLE_CRATES.depositCents} c`,
    path: '/v1/intakes',
    body: {
      siteId: site.siteId,
      locationId: site.locations[BOTTLE_CRATES.location]!,
      grossWeightKg: BOTTLE_CRATES.weightKg + BOTTLE_CRATES.tareKg,
      tareKg: BOTTLE_CRATES.tareKg,
      provenance: { locality: 'Amiens', organisationId: cluster.organisations[BOTTLE_CRATES.from] },
      collectionMode: 'shop',
      goods: [
        {
          kind: 'pool',
          containerType: BOTTLE_CRATES.containerType,
          count: BOTTLE_CRATES.count,
          depositCents: BOTTLE_CRATES.depositCents,
          weightKg: BOTTLE_CRATES.weightKg,
        },
      ],
    },
    events: [{ type: 'inventory.intake.recorded' }, { type: 'inventory.stock.moved' }],
  });
  const poolId = intake.goodIds[0]!;
  const count = String(BOTTLE_CRATES.count);

  await session.command(InventoryRpc.moveGood, {
    who: operator,
    what: `passe les ${count} bouteilles au tunnel de lavage`,
    path: '/v1/goods/:goodId/moves',
    body: {
      goodId: poolId,
      quantity: count,
      fromState: 'collected',
      toState: 'washing',
      toLocationId: site.locations['tunnel de lavage']!,
      reason: 'sent-to-washing',
    },
    events: [{ type: 'inventory.stock.moved' }],
  });
  const washing = await session.command(InventoryRpc.recordTransformation, {
    who: operator,
    what: `clôt le lot de lavage : ${BOTTLE_CRATES.washed} lavées, ${BOTTLE_CRATES.broken} cassées`,
    path: '/v1/transformations',
    body: {
      kind: 'washing',
      poolId,
      washed: BOTTLE_CRATES.washed,
      broken: BOTTLE_CRATES.broken,
    },
    events: [{ type: 'inventory.good.transformed' }, { type: 'inventory.stock.moved', count: 2 }],
  });
  await session.command(InventoryRpc.moveGood, {
    who: operator,
    what: `range les ${BOTTLE_CRATES.washed} bouteilles lavées en stock propre`,
    path: '/v1/goods/:goodId/moves',
    body: {
      goodId: poolId,
      quantity: String(BOTTLE_CRATES.washed),
      fromState: 'washed',
      toState: 'available',
      toLocationId: site.locations['stock propre']!,
      reason: 'stored',
    },
    events: [{ type: 'inventory.stock.moved' }],
  });

  const producer = cluster.organisations[BOTTLE_CRATES.to];
  const holderId = `membre-${producer}`;
  const { holdId } = await session.command(InventoryRpc.placeHold, {
    who: operator,
    what: `prépare ${BOTTLE_CRATES.delivered} bouteilles pour la ${MEMBERS[BOTTLE_CRATES.to].name}`,
    path: '/v1/holds',
    body: {
      goodId: poolId,
      quantity: String(BOTTLE_CRATES.delivered),
      holderId,
      ttlSeconds: BOTTLE_CRATES.holdSeconds,
    },
    events: [{ type: 'inventory.hold.placed' }, { type: 'inventory.stock.moved' }],
  });
  await session.command(InventoryRpc.handOverHold, {
    status: 200,
    who: operator,
    what: 'livre les bouteilles à la brasserie',
    path: '/v1/holds/:holdId/hand-over',
    body: { holdId, beneficiaryRef: holderId },
    events: [{ type: 'inventory.hold.handed-over' }, { type: 'inventory.stock.moved' }],
  });
  const pool = await session.query(InventoryRpc.getGood, {
    who: operator,
    what: 'consulte le stock de bouteilles',
    path: '/v1/goods/:goodId',
    params: { goodId: poolId },
    outcome: (good) => good.balances.map((b) => `${b.quantity} ${stateLabel(b.state)}`).join(', '),
  });
  return {
    intakeId: intake.intakeId,
    poolId,
    transformationId: washing.transformationId,
    holdId,
    pool,
  };
}
