/**
 * `npm run demo`: the Amiens Métropole data set loaded over the gateway's HTTP API, then one
 * scenario per group of people (the last one a day of collection rounds), each step printed
 * with the events it caused. Needs the system
 * running (`npm start`); `GATEWAY_URL` (default http://127.0.0.1:3000) and `NATS_URL` (default
 * nats://127.0.0.1:4222, read only, for the events) say where. Tokens come from the
 * development sign-in provider (scripts/dev-identity.mjs). Played again on the same system it
 * reuses the registered cluster and brings goods of its own (serial numbers carry the run id).
 * Exits 1 at the first step that does not answer as it should, with the problem it answered.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { httpClient, type TokenSource } from './client.js';
import { EventTap } from './events.js';
import { MEMBERS } from './amiens.dataset.js';
import { consoleReporter, needLabel, reservationLabel, stateLabel } from './printer.js';
import { dischargeScenario } from './scenarios/discharge.scenario.js';
import { glassScenario } from './scenarios/glass.scenario.js';
import { litterScenario } from './scenarios/litter.scenario.js';
import { lotScenario } from './scenarios/lot.scenario.js';
import { medicalAidScenario } from './scenarios/medical-aid.scenario.js';
import { roundsScenario } from './scenarios/rounds.scenario.js';
import { t, tonnageScenario } from './scenarios/tonnage.scenario.js';
import { wantedScenario } from './scenarios/wanted.scenario.js';
import { DemoSession, DemoStepError } from './session.js';
import { registerCluster } from './setup.js';

const ROOT = path.join(import.meta.dirname, '..', '..', '..');
const GATEWAY_URL = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:3000';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

interface DevIdentity {
  devToken(options: { role: string; org: string | null; user: string; ttl: number }): string;
}

/** The development sign-in provider's tokens, the ones `npm run token` prints. */
async function devTokens(): Promise<TokenSource> {
  const module = (await import(
    pathToFileURL(path.join(ROOT, 'scripts', 'dev-identity.mjs')).href
  )) as DevIdentity;
  return async (person) =>
    module.devToken({
      role: person.role,
      org: person.organisationId,
      user: person.userId,
      ttl: 900,
    });
}

async function main(): Promise<number> {
  const reporter = consoleReporter();
  const started = performance.now();
  const runId = Date.now().toString(36).toUpperCase();
  reporter.line(`Boucle : démonstration Amiens Métropole (partie ${runId}) sur ${GATEWAY_URL}`);

  const live = await fetch(`${GATEWAY_URL}/health/live`).then(
    (response) => response.ok,
    () => false,
  );
  if (!live) {
    reporter.line(`✗ la passerelle ne répond pas sur ${GATEWAY_URL} : lancez d’abord npm start`);
    return 1;
  }
  const events = await EventTap.connect(NATS_URL).catch((error: unknown) => {
    reporter.line(
      `! événements non affichés : NATS injoignable sur ${NATS_URL} (${String(error)})`,
    );
    return undefined;
  });

  const session = new DemoSession({
    http: httpClient(GATEWAY_URL),
    tokens: await devTokens(),
    reporter,
    runId,
    ...(events ? { events } : {}),
  });
  try {
    const cluster = await registerCluster(session);
    const from = new Date();
    const aid = await medicalAidScenario(session, cluster);
    // Matching: the aid asked for someone leaving hospital, reserved, approved, handed over.
    const discharge = await dischargeScenario(session, cluster);
    const lot = await lotScenario(session, cluster);
    const wanted = await wantedScenario(session, cluster);
    const glass = await glassScenario(session, cluster);
    const litter = await litterScenario(session, cluster);
    const tonnage = await tonnageScenario(session, cluster, { from });
    // After the report: a day of rounds planned ahead, its loads taken in as they come.
    const rounds = await roundsScenario(session, cluster);

    const seconds = ((performance.now() - started) / 1000).toLocaleString('fr-FR', {
      maximumFractionDigits: 1,
    });
    const told = session.steps.reduce((sum, step) => sum + step.events.length, 0);
    reporter.section('Résumé');
    reporter.line(
      `  ${session.steps.length} étapes en ${seconds} s, ${events ? `${told} événements publiés et affichés` : 'sans les événements'}`,
    );
    reporter.line(
      `  aides techniques : fauteuil ${aid.serialNumber} remis à ${aid.beneficiaryRef}, lève-personne en stock`,
    );
    reporter.line(
      `  sortie d’hospitalisation : fauteuil ${discharge.serialNumber} réservé, validé, remis à ${discharge.beneficiaryRef} ; besoin ${needLabel(discharge.need.status)}, réservation ${reservationLabel(discharge.reservation.status)}`,
    );
    reporter.line(
      `  matériaux : ${lot.holds.map((h) => `${h.quantity} m²`).join(' et ')} remis à deux preneurs, ${lot.diverted} m² orientés en recyclage`,
    );
    reporter.line(
      `  liste de besoins : ${wanted.reservation.quantity} m² du lot ${wanted.lotId.slice(0, 8)} tenus pour ${MEMBERS.renovation.name} (réservation ${reservationLabel(wanted.reservation.status)}), ${wanted.lot.balances.map((b) => `${b.quantity} m² ${stateLabel(b.state)}`).join(', ')}`,
    );
    reporter.line(
      `  verre (bouteilles) : ${glass.pool.balances.map((b) => `${b.quantity} ${stateLabel(b.state)}`).join(', ')}`,
    );
    reporter.line(
      `  litière : ${litter.bales.balances.map((b) => `${b.quantity} kg ${stateLabel(b.state)}`).join(', ')}`,
    );
    reporter.line(
      `  bilan du pôle : ${t(tonnage.cluster.inTonnes)} entrées, ${t(tonnage.cluster.outTonnes)} sorties, stock ${t(tonnage.cluster.stockStartTonnes)} → ${t(tonnage.cluster.stockEndTonnes)}`,
    );
    reporter.line(
      `  tournées du ${rounds.day} : ${rounds.rounds.length} tournée(s), ${rounds.rounds.reduce((n, r) => n + r.stops.filter((s) => s.status === 'collected').length, 0)} arrêts collectés, fauteuil ${rounds.serials.wheelchair} et lève-personne ${rounds.serials.lift} reçus à l’atelier`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof DemoStepError)) throw error;
    reporter.line('');
    reporter.line(
      `✗ étape ${error.step.index} (${error.step.who.label} : ${error.step.what}) : ${error.message}`,
    );
    reporter.line(`  ${error.step.method} ${error.step.url}`);
    if (error.answer) reporter.line(JSON.stringify(error.answer.body, null, 2));
    return 1;
  } finally {
    await events?.close();
  }
}

process.exitCode = await main();
