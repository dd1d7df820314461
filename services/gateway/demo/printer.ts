import type { SeenEvent } from './events.js';
import type { Reporter, StepRecord } from './session.js';

/*
 * How the demonstration reads on a terminal: one line per step (who, what, the answer's
 * status and time), then one line per event it caused, in French with the event's own
 * subject, so that the line can be found in the contracts.
 */

const UNITS: Record<string, string> = { unit: 'u.', m2: 'm²', m3: 'm³', m: 'm', kg: 'kg' };

const STATES: Record<string, string> = {
  new: 'nouveau',
  collected: 'collecté',
  received: 'réceptionné',
  triaged: 'trié',
  refurbishing: 'en remise en état',
  'quality-checked': 'contrôlé',
  disinfected: 'désinfecté',
  certified: 'certifié',
  available: 'disponible',
  held: 'réservé',
  'handed-over': 'remis',
  offered: 'proposé',
  diverted: 'orienté en filière',
  stored: 'stocké',
  washing: 'au lavage',
  washed: 'lavé',
  broken: 'cassé',
  delivered: 'livré',
  transformed: 'transformé',
  returned: 'rapporté',
};

const WORDS: Record<string, string> = {
  repairable: 'réparable',
  'parts-donor': 'donneur de pièces',
  scrap: 'au rebut',
  recycling: 'recyclage',
  'energy-recovery': 'valorisation énergétique',
  landfill: 'enfouissement',
  'two-person': 'à deux',
  'tail-lift': 'hayon',
  'pallet-jack': 'transpalette',
  'heavy-licence': 'permis poids lourd',
};

const GATES: Record<string, string> = {
  checklist: 'liste de contrôle du modèle',
  'quality-check': 'contrôle qualité',
  disinfection: 'désinfection',
};

const URGENCY: Record<string, string> = {
  urgent: 'urgent',
  soon: 'sous quelques semaines',
  routine: 'courant',
};

const RESERVATION: Record<string, string> = {
  requested: 'demandée',
  waiting: 'en file d’attente',
  held: 'tenue, en attente d’accord',
  confirmed: 'confirmée',
  'handed-over': 'remise',
  rejected: 'rejetée par l’inventaire',
  expired: 'expirée',
  cancelled: 'annulée',
  refused: 'refusée',
  released: 'libérée',
  'timed-out': 'sans réponse de l’inventaire',
};

const NEED_ENDS: Record<string, string> = {
  fulfilled: 'satisfait',
  withdrawn: 'retiré',
  expired: 'expiré',
  erased: 'effacé',
};

/** A reservation's state in French. */
export function reservationLabel(status: string): string {
  return RESERVATION[status] ?? status;
}

/** A need's state in French. */
export function needLabel(status: string): string {
  return status === 'open' ? 'ouvert' : (NEED_ENDS[status] ?? status);
}

const short = (id: unknown) => (typeof id === 'string' ? id.slice(0, 8) : String(id));
const unit = (u: unknown) => UNITS[String(u)] ?? String(u);
const state = (s: unknown) => (typeof s === 'string' ? stateLabel(s) : '∅');
const word = (w: unknown) => WORDS[String(w)] ?? String(w);
// Ids in a line are cut to their first 8 characters: enough to tell them apart on screen.
const shortenIds = (line: string) =>
  line.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '$1');

/** A lifecycle state in French. */
export function stateLabel(name: string): string {
  return STATES[name] ?? name;
}
const place = (p: unknown) =>
  typeof p === 'object' && p !== null ? state((p as { state?: unknown }).state) : '∅';
const day = (instant: unknown) =>
  typeof instant === 'string'
    ? new Intl.DateTimeFormat('fr-FR', {
        timeZone: 'Europe/Paris',
        dateStyle: 'short',
        timeStyle: 'short',
      }).format(new Date(instant))
    : String(instant);

const time = (instant: unknown) =>
  typeof instant === 'string'
    ? new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(
        new Date(instant),
      )
    : String(instant);
/** A load in every dimension a vehicle counts. */
const load = (value: unknown) => {
  const l = (value ?? {}) as { kg?: number; m3?: number; crates?: number; items?: number };
  return [
    `${l.kg ?? 0} kg`,
    `${l.m3 ?? 0} m³`,
    ...(l.crates ? [`${l.crates} casiers`] : []),
    ...(l.items ? [`${l.items} objet(s) encombrant(s)`] : []),
  ].join(', ');
};

/** A hold matching asked for names the reservation it answers. */
const asked = (d: Record<string, unknown>) =>
  typeof d['reservationId'] === 'string' ? ` (demande ${short(d['reservationId'])})` : '';

/** One event, told in a line. */
export function describeEvent(event: SeenEvent): string {
  return shortenIds(describe(event));
}

function describe(event: SeenEvent): string {
  const d = event.envelope.data;
  const str = (name: string) => String(d[name]);
  switch (event.envelope.type) {
    case 'inventory.intake.recorded':
      return `réception ${short(d['intakeId'])} : ${(d['goodIds'] as unknown[]).length} bien(s), ${str('grossWeightKg')} kg brut, ${str('tareKg')} kg de tare (${str('collectionMode')})`;
    case 'inventory.stock.moved':
      return `bien ${short(d['goodId'])} : ${str('quantity')} ${unit(d['unit'])} ${place(d['from'])} → ${place(d['to'])} (${str('reason')})`;
    case 'inventory.item.triaged':
      return `${str('make')} ${str('model')} n° ${str('serialNumber')} trié : ${word(d['decision'])}`;
    case 'inventory.item.refurbishment-recorded':
      return `${str('serialNumber')} : ${GATES[str('gate')] ?? str('gate')} enregistrée (cycle ${str('cycle')})`;
    case 'inventory.item.certified':
      return `${str('serialNumber')} certifié pour ${str('newUseMonths')} mois (certificat ${short(d['certificateId'])})`;
    case 'inventory.item.available':
      return `${str('make')} ${str('model')} n° ${str('serialNumber')} disponible (ISO ${str('isoClass')})`;
    case 'inventory.hold.placed':
      return `réservation ${short(d['holdId'])} : ${str('quantity')} ${unit(d['unit'])} pour ${str('holderId')}, jusqu’au ${day(d['expiresAt'])}${asked(d)}`;
    case 'inventory.hold.handed-over':
      return `réservation ${short(d['holdId'])} remise : ${str('quantity')} à ${str('beneficiaryRef')}${asked(d)}`;
    case 'inventory.hold.rejected':
      return `réservation ${short(d['reservationId'])} non tenue : ${str('reason')}`;
    case 'inventory.hold.released':
      return `réservation ${short(d['holdId'])} libérée (${str('reason')})`;
    case 'inventory.lot.offered':
      return `lot ${short(d['goodId'])} proposé : ${str('materialFamily')}, ${str('quantity')} ${unit(d['unit'])}${d['estimated'] ? ' (estimé)' : ''}, à enlever avant le ${day(d['mustBeGoneBy'])}`;
    case 'inventory.lot.diverted':
      return `lot ${short(d['goodId'])} : ${str('quantity')} ${unit(d['unit'])} orientés vers ${word(d['route'])} (${str('facility')})`;
    case 'inventory.good.transformed':
      return d['inputKg'] === null
        ? `transformation ${short(d['transformationId'])} (${str('kind')}) : lot compté, non pesé`
        : `transformation ${short(d['transformationId'])} (${str('kind')}) : ${str('inputKg')} kg → ${str('outputKg')} kg, perte ${str('lossKg')} kg`;
    case 'collection.pickup.requested':
      return `collecte ${short(d['pickupId'])} demandée (${str('kind')}, ${str('origin')}) à ${str('locality')} : ${load(d['expectedLoad'])}${(d['skills'] as unknown[]).length ? `, ${(d['skills'] as string[]).map(word).join(' + ')}` : ''}`;
    case 'collection.pickup.scheduled':
      return `collecte ${short(d['pickupId'])} : arrêt n° ${str('sequence')} de la tournée ${short(d['roundId'])}, vers ${time(d['eta'])}`;
    case 'collection.pickup.unplanned':
      return `collecte ${short(d['pickupId'])} non planifiée le ${str('day')} (${str('reason')})`;
    case 'collection.pickup.completed':
      return `collecte ${short(d['pickupId'])} faite : ${load(d['actual'])}, à livrer au site ${short((d['deliverTo'] as { siteId?: unknown }).siteId)}`;
    case 'collection.pickup.missed':
      return `collecte ${short(d['pickupId'])} manquée (${str('reason')}), tentative ${str('attempt')}`;
    case 'collection.pickup.cancelled':
      return `collecte ${short(d['pickupId'])} annulée (${str('reason')})`;
    case 'collection.round.planned':
      return `tournée ${short(d['roundId'])} du ${str('day')} : ${(d['stops'] as unknown[]).length} arrêts, ${str('distanceKm')} km (plan n° ${str('planRevision')})`;
    case 'collection.round.started':
      return `tournée ${short(d['roundId'])} partie à ${time(d['startedAt'])}`;
    case 'collection.round.completed':
      return `tournée ${short(d['roundId'])} terminée : ${str('collected')} collectés, ${str('missed')} manqués`;
    case 'matching.need.registered':
      return d['kind'] === 'material'
        ? `besoin ${short(d['needId'])} : ${str('quantity')} ${unit(d['unit'])} de ${str('materialFamily')} recherchés`
        : `besoin ${short(d['needId'])} : aide ISO ${str('isoClass')} pour ${str('beneficiaryRef')}, ${URGENCY[str('urgency')] ?? str('urgency')}`;
    case 'matching.need.closed':
      return `besoin ${short(d['needId'])} clos : ${NEED_ENDS[str('reason')] ?? str('reason')}`;
    case 'matching.reservation.requested':
      return `réservation ${short(d['reservationId'])} demandée : ${str('quantity')} de ${short(d['goodId'])} pour ${str('holderId')}`;
    case 'matching.reservation.status-changed':
      return `réservation ${short(d['reservationId'])} ${reservationLabel(str('status'))}${d['reason'] ? ` (${str('reason')})` : ''}`;
    case 'matching.reservation.cancelled':
      return `réservation ${short(d['reservationId'])} abandonnée (${str('reason')})`;
    default:
      return JSON.stringify(d).slice(0, 160);
  }
}

/** Prints to standard output. */
export function consoleReporter(
  write: (line: string) => void = (line) => console.log(line),
): Reporter {
  return {
    section(title) {
      write('');
      write(`━━ ${title}`);
    },
    step(step: StepRecord) {
      const outcome = step.outcome ? ` · ${step.outcome}` : '';
      write(`▶ ${step.who.label} : ${step.what} → ${step.status} (${step.ms} ms)${outcome}`);
      for (const event of step.events) {
        write(`  ↳ ${event.subject.padEnd(44)} ${describeEvent(event)}`);
      }
    },
    line(text) {
      write(text);
    },
  };
}

/** Keeps quiet (tests), but keeps the lines for a failure's message. */
export function quietReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  const inner = consoleReporter((line) => lines.push(line));
  return { ...inner, lines };
}
