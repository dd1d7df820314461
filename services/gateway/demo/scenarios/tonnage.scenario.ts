import { InventoryRpc, type RpcResponse } from '@boucle/contracts';
import { MEMBERS } from '../amiens.dataset.js';
import type { DemoSession } from '../session.js';
import type { Cluster } from '../setup.js';

export type TonnageReport = RpcResponse<typeof InventoryRpc.tonnageReport>;

export interface TonnageResult {
  cluster: TonnageReport;
  /** The deconstruction firm's own report: its sites only. */
  firm: TonnageReport;
}

const MODES: Record<string, string> = {
  'drop-off': 'apport volontaire',
  pickup: 'collecte',
  'construction-site': 'chantier',
  shop: 'boutique',
  return: 'retour',
  transfer: 'transfert',
};
const DESTINATIONS: Record<string, string> = {
  reuse: 'réemploi',
  recycling: 'recyclage',
  'energy-recovery': 'valorisation énergétique',
  landfill: 'enfouissement',
  disposal: 'élimination',
  loss: 'perte',
  transfer: 'transfert',
};
const KINDS: Record<string, string> = {
  item: 'aides techniques',
  lot: 'matériaux',
  pool: 'contenants consignés',
  bulk: 'vrac (carton, litière)',
  unsorted: 'non trié',
};

/**
 * The coordinator's tonnage report over the period the scenarios played in: tonnes in by
 * collection mode and flow, tonnes out by destination, and the accounting identity
 * (in = stock at the end − stock at the start + out); then a member's own report.
 */
export async function tonnageScenario(
  session: DemoSession,
  cluster: Cluster,
  period: { from: Date; to?: Date },
): Promise<TonnageResult> {
  session.section('Bilan : les tonnages de la période, pour le pôle puis pour un membre');
  const query = {
    from: period.from.toISOString(),
    // The report counts what happened before `to`: a second past the last step.
    to: (period.to ?? new Date(Date.now() + 1_000)).toISOString(),
  };
  const summary = (report: TonnageReport) =>
    `entrées ${t(report.inTonnes)}, sorties ${t(report.outTonnes)}, stock ${t(report.stockStartTonnes)} → ${t(report.stockEndTonnes)}`;

  const clusterReport = await session.query(InventoryRpc.tonnageReport, {
    who: cluster.people.coordinatrice,
    what: 'édite le bilan des tonnages du pôle sur la période de la démonstration',
    path: '/v1/reports/tonnage',
    query,
    outcome: summary,
  });
  for (const row of clusterReport.in)
    session.reporter.line(
      `    entrée  ${(MODES[row.collectionMode] ?? row.collectionMode).padEnd(18)} ${(KINDS[row.kind] ?? row.kind).padEnd(24)} ${t(row.tonnes)}`,
    );
  for (const row of clusterReport.out)
    session.reporter.line(
      `    sortie  ${(DESTINATIONS[row.destination] ?? row.destination).padEnd(18)} ${(KINDS[row.kind] ?? row.kind).padEnd(24)} ${t(row.tonnes)}`,
    );
  const balance =
    clusterReport.stockEndTonnes - clusterReport.stockStartTonnes + clusterReport.outTonnes;
  session.reporter.line(
    `    identité comptable : entrées ${t(clusterReport.inTonnes)} = stock final − stock initial + sorties = ${t(balance)}`,
  );

  const firmReport = await session.query(InventoryRpc.tonnageReport, {
    who: cluster.people.conducteurTravaux,
    what: `édite le bilan de ses propres chantiers (${MEMBERS.deconstruction.name})`,
    path: '/v1/reports/tonnage',
    query,
    outcome: summary,
  });
  return { cluster: clusterReport, firm: firmReport };
}

/** Tonnes as a French reader writes them: `0,845 t`. */
export function t(tonnes: number): string {
  return `${tonnes.toLocaleString('fr-FR', { minimumFractionDigits: 3, maximumFractionDigits: 3 })} t`;
}
