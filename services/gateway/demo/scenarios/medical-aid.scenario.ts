import { InventoryRpc } from '@boucle/contracts';
import { AIDS_INTAKE, DEVICE_MODELS } from '../amiens.dataset.js';
import type { DemoSession } from '../session.js';
import type { Cluster } from '../setup.js';

export interface MedicalAidResult {
  intakeId: string;
  wheelchairId: string;
  liftId: string;
  serialNumber: string;
  holdId: string;
  holderId: string;
  beneficiaryRef: string;
}

/**
 * A family drops a wheelchair and a patient lift at the workshop; both are weighed in. The
 * wheelchair goes through every RBEU gate (triage, refurbishment, the model's checklist, a
 * quality check, disinfection, certification under the workshop's NF S97-414 certificate,
 * release), is held for a beneficiary a social service referred, and handed over.
 */
export async function medicalAidScenario(
  session: DemoSession,
  cluster: Cluster,
): Promise<MedicalAidResult> {
  session.section('Aides techniques : pesée, remise en bon état d’usage, réservation, remise');
  const { operateurAtelier: operatrice, technicienRbeu: technicien } = cluster.people;
  const site = cluster.sites[AIDS_INTAKE.site];
  const fauteuil = DEVICE_MODELS[AIDS_INTAKE.wheelchair.model];
  const leveur = DEVICE_MODELS[AIDS_INTAKE.lift.model];
  const serialNumber = `${AIDS_INTAKE.wheelchair.serialPrefix}-${session.runId}`;
  const manufactured = (ageYears: number) =>
    `${Number(cluster.today.slice(0, 4)) - ageYears}-${cluster.today.slice(5, 7)}-01`;
  const netKg = AIDS_INTAKE.wheelchair.weightKg + AIDS_INTAKE.lift.weightKg;

  const intake = await session.command(InventoryRpc.recordIntake, {
    who: operatrice,
    what: `pèse (${netKg} kg net) et réceptionne un ${fauteuil.label} et un ${leveur.label}, déposés par une famille de ${AIDS_INTAKE.provenanceLocality}`,
    path: '/v1/intakes',
    body: {
      siteId: site.siteId,
      locationId: site.locations[AIDS_INTAKE.location]!,
      grossWeightKg: round(netKg + AIDS_INTAKE.tareKg),
      tareKg: AIDS_INTAKE.tareKg,
      provenance: { locality: AIDS_INTAKE.provenanceLocality, donorRef: `don-${session.runId}` },
      collectionMode: AIDS_INTAKE.collectionMode,
      goods: [
        {
          kind: 'item',
          serialNumber,
          make: fauteuil.make,
          model: fauteuil.model,
          manufacturedOn: manufactured(AIDS_INTAKE.wheelchair.ageYears),
          attributes: AIDS_INTAKE.wheelchair.attributes,
          weightKg: AIDS_INTAKE.wheelchair.weightKg,
        },
        {
          kind: 'item',
          serialNumber: `${AIDS_INTAKE.lift.serialPrefix}-${session.runId}`,
          make: leveur.make,
          model: leveur.model,
          manufacturedOn: manufactured(AIDS_INTAKE.lift.ageYears),
          attributes: AIDS_INTAKE.lift.attributes,
          weightKg: AIDS_INTAKE.lift.weightKg,
        },
      ],
    },
    events: [{ type: 'inventory.intake.recorded' }, { type: 'inventory.stock.moved', count: 2 }],
    outcome: (answer) => `réception ${answer.intakeId.slice(0, 8)}, ${answer.goodIds.length} biens`,
  });
  const [wheelchairId, liftId] = intake.goodIds as [string, string];

  await throughTheGates(session, cluster, {
    goodId: wheelchairId,
    serialNumber,
    newUseMonths: AIDS_INTAKE.newUseMonths,
  });

  // Opaque references, as matching issues them: who the beneficiary is stays there.
  const holderId = `reservation-${session.runId}`;
  const beneficiaryRef = `beneficiaire-${session.runId}`;
  const hold = await session.command(InventoryRpc.placeHold, {
    who: operatrice,
    what: `réserve le fauteuil 7 jours pour une bénéficiaire orientée par le service autonomie (${holderId})`,
    path: '/v1/holds',
    body: { goodId: wheelchairId, quantity: '1', holderId, ttlSeconds: AIDS_INTAKE.holdSeconds },
    events: [{ type: 'inventory.hold.placed' }, { type: 'inventory.stock.moved' }],
  });
  await session.command(InventoryRpc.handOverHold, {
    status: 200,
    who: operatrice,
    what: 'remet le fauteuil à la bénéficiaire venue le chercher',
    path: '/v1/holds/:holdId/hand-over',
    body: { holdId: hold.holdId, beneficiaryRef },
    events: [{ type: 'inventory.hold.handed-over' }, { type: 'inventory.stock.moved' }],
  });
  await session.query(InventoryRpc.passport, {
    who: technicien,
    what: 'consulte le passeport du fauteuil',
    path: '/v1/goods/:goodId/passport',
    params: { goodId: wheelchairId },
    outcome: (passport) =>
      `${passport.movements.length} mouvements, ${passport.refurbishment.length} étapes RBEU, apte jusqu’au ${passport.fitForUseUntil ?? '—'}`,
  });

  return {
    intakeId: intake.intakeId,
    wheelchairId,
    liftId,
    serialNumber,
    holdId: hold.holdId,
    holderId,
    beneficiaryRef,
  };
}

/**
 * A wheelchair weighed in at the workshop through every RBEU gate to available: triage,
 * refurbishment, the model's checklist, a quality check, disinfection, certification
 * under the workshop's NF S97-414 certificate, release.
 */
export async function throughTheGates(
  session: DemoSession,
  cluster: Cluster,
  aid: { goodId: string; serialNumber: string; newUseMonths: number },
): Promise<void> {
  const { technicienRbeu: technicien } = cluster.people;
  const fauteuil = DEVICE_MODELS.fauteuil;
  const gate = { status: 200 } as const;
  await session.command(InventoryRpc.triage, {
    ...gate,
    who: technicien,
    what: `trie le fauteuil n° ${aid.serialNumber} : réparable`,
    path: '/v1/goods/:goodId/triage',
    body: { goodId: aid.goodId, decision: 'repairable', notes: 'pneus usés, toile propre' },
    events: [{ type: 'inventory.item.triaged' }, { type: 'inventory.stock.moved' }],
  });
  await session.command(InventoryRpc.startRefurbishment, {
    ...gate,
    who: technicien,
    what: 'commence la remise en bon état d’usage',
    path: '/v1/goods/:goodId/refurbishment',
    body: { goodId: aid.goodId },
    events: [{ type: 'inventory.stock.moved' }],
  });
  await session.command(InventoryRpc.recordChecklist, {
    ...gate,
    who: technicien,
    what: `coche les ${fauteuil.checklist.length} points de la liste de contrôle du modèle (pneus changés)`,
    path: '/v1/goods/:goodId/checklist',
    body: {
      goodId: aid.goodId,
      steps: fauteuil.checklist.map((step) => ({ step, done: true })),
    },
    events: [{ type: 'inventory.item.refurbishment-recorded' }],
  });
  await session.command(InventoryRpc.recordQualityCheck, {
    ...gate,
    who: technicien,
    what: 'fait le contrôle qualité fonctionnel : conforme',
    path: '/v1/goods/:goodId/quality-check',
    body: { goodId: aid.goodId, passed: true, notes: 'essai de roulage et de freinage' },
    events: [{ type: 'inventory.item.refurbishment-recorded' }, { type: 'inventory.stock.moved' }],
  });
  await session.command(InventoryRpc.recordDisinfection, {
    ...gate,
    who: technicien,
    what: `désinfecte le fauteuil (${AIDS_INTAKE.disinfection})`,
    path: '/v1/goods/:goodId/disinfection',
    body: {
      goodId: aid.goodId,
      performedOn: cluster.today,
      method: AIDS_INTAKE.disinfection,
      operatorId: technicien.userId,
    },
    events: [{ type: 'inventory.item.refurbishment-recorded' }, { type: 'inventory.stock.moved' }],
  });
  await session.command(InventoryRpc.certify, {
    ...gate,
    who: technicien,
    what: `certifie le fauteuil pour ${aid.newUseMonths} mois sous le certificat NF S97-414 de l’atelier`,
    path: '/v1/goods/:goodId/certification',
    body: {
      goodId: aid.goodId,
      certificateId: cluster.certificateId,
      newUseMonths: aid.newUseMonths,
      instructionsRef: fauteuil.instructionsRef,
    },
    events: [{ type: 'inventory.item.certified' }, { type: 'inventory.stock.moved' }],
  });
  await session.command(InventoryRpc.releaseForUse, {
    ...gate,
    who: technicien,
    what: 'met le fauteuil à disposition',
    path: '/v1/goods/:goodId/release',
    body: { goodId: aid.goodId },
    events: [{ type: 'inventory.item.available' }, { type: 'inventory.stock.moved' }],
  });
}

const round = (kg: number) => Math.round(kg * 1000) / 1000;
