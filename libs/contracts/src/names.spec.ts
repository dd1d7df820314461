import { PRODUCERS } from './envelope.js';
import type { EventDefinition } from './event-definition.js';
import type { RpcDefinition } from './rpc-definition.js';
import * as events from './events/index.js';
import * as rpc from './rpc/index.js';
import {
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_ROOT,
  DEAD_LETTER_STREAM,
  deadLetterSubject,
  RPC_ROOT,
  streamName,
  streamSubjects,
} from './subjects.js';

/*
 * Every name the backbone puts on the wire, written out by hand. A rename in code
 * that is not also made here fails, so that it is a visible, deliberate change:
 * subscribers, durable consumers, stored events and dead letters still carry the
 * old name. Live names never change; a new name is added here on purpose.
 */

const NEVER_RENAME =
  'Live names never change: subscribers, durable consumers, stored events and dead letters ' +
  'still use the old one. Keep it and add a new version beside it (a `.v2` event, a new ' +
  'request subject) instead. ' +
  'A name that is genuinely new is added to the list in names.spec.ts.';

function expectSameNames(what: string, produced: readonly string[], listed: readonly string[]) {
  const gone = listed.filter((name) => !produced.includes(name));
  const unlisted = produced.filter((name) => !listed.includes(name));
  if (gone.length > 0 || unlisted.length > 0) {
    throw new Error(
      [
        `${what} changed.`,
        ...gone.map((name) => `  listed but no longer produced: ${name}`),
        ...unlisted.map((name) => `  produced but not listed:      ${name}`),
        NEVER_RENAME,
      ].join('\n'),
    );
  }
  expect(produced).toHaveLength(listed.length);
}

/**
 * `<subject> of <aggregate>`: the aggregate type is a live name too, since each
 * aggregate's version sequence and the latest-wins guard are kept under it.
 */
const EVENT_SUBJECTS = [
  'collection.lot.pickup-unplanned.v1 of collection.lot',
  'collection.pickup.cancelled.v1 of collection.pickup',
  'collection.pickup.completed.v1 of collection.pickup',
  'collection.pickup.late.v1 of collection.pickup',
  'collection.pickup.missed.v1 of collection.pickup',
  'collection.pickup.reminder-due.v1 of collection.pickup',
  'collection.pickup.requested.v1 of collection.pickup',
  'collection.pickup.scheduled.v1 of collection.pickup',
  'collection.pickup.unplanned.v1 of collection.pickup',
  'collection.point.schedule-changed.v1 of collection.point',
  'collection.round.completed.v1 of collection.round',
  'collection.round.planned.v1 of collection.round',
  'collection.round.started.v1 of collection.round',
  'inventory.good.corrected.v1 of inventory.good',
  'inventory.good.transformed.v1 of inventory.good',
  'inventory.good.transferred.v1 of inventory.good',
  'inventory.hold.handed-over.v1 of inventory.hold',
  'inventory.hold.placed.v1 of inventory.hold',
  'inventory.hold.rejected.v1 of inventory.hold',
  'inventory.hold.released.v1 of inventory.hold',
  'inventory.intake.recorded.v1 of inventory.intake',
  'inventory.item.available.v1 of inventory.item',
  'inventory.item.certified.v1 of inventory.item',
  'inventory.item.quarantined.v1 of inventory.item',
  'inventory.item.refurbishment-recorded.v1 of inventory.item',
  'inventory.item.returned.v1 of inventory.item',
  'inventory.item.scrapped.v1 of inventory.item',
  'inventory.item.triaged.v1 of inventory.item',
  'inventory.lot.diverted.v1 of inventory.lot',
  'inventory.lot.offered.v1 of inventory.lot',
  'inventory.lot.window-amended.v1 of inventory.lot',
  'inventory.lot.withdrawn.v1 of inventory.lot',
  'inventory.recall.issued.v1 of inventory.recall',
  'inventory.recall.lifted.v1 of inventory.recall',
  'inventory.site.registered.v1 of inventory.site',
  'inventory.stock.moved.v1 of inventory.stock',
  'matching.need.closed.v1 of matching.need',
  'matching.need.registered.v1 of matching.need',
  'matching.reservation.cancelled.v1 of matching.reservation',
  'matching.reservation.requested.v1 of matching.reservation',
  'matching.reservation.status-changed.v1 of matching.reservation',
];

const RPC_SUBJECTS = [
  'rpc.collection.pickup.cancel (command)',
  'rpc.collection.pickup.get (query)',
  'rpc.collection.pickup.list (query)',
  'rpc.collection.pickup.request (command)',
  'rpc.collection.point.get (query)',
  'rpc.collection.point.register (command)',
  'rpc.collection.point.report-fill (command)',
  'rpc.collection.point.set-schedule (command)',
  'rpc.collection.round.assign-driver (command)',
  'rpc.collection.round.get (query)',
  'rpc.collection.round.list (query)',
  'rpc.collection.round.move-stop (command)',
  'rpc.collection.round.plan-day (command)',
  'rpc.collection.round.start (command)',
  'rpc.collection.stop.collect (command)',
  'rpc.collection.stop.miss (command)',
  'rpc.collection.vehicle.list (query)',
  'rpc.collection.vehicle.register (command)',
  'rpc.inventory.certificate.list (query)',
  'rpc.inventory.certificate.record (command)',
  'rpc.inventory.certificate.revoke (command)',
  'rpc.inventory.device-model.get (query)',
  'rpc.inventory.device-model.register (command)',
  'rpc.inventory.good.correct (command)',
  'rpc.inventory.good.get (query)',
  'rpc.inventory.good.list (query)',
  'rpc.inventory.good.move (command)',
  'rpc.inventory.good.relocate (command)',
  'rpc.inventory.good.transfer (command)',
  'rpc.inventory.good.passport (query)',
  'rpc.inventory.hold.hand-over (command)',
  'rpc.inventory.hold.place (command)',
  'rpc.inventory.hold.release (command)',
  'rpc.inventory.intake.record (command)',
  'rpc.inventory.item.quarantine (command)',
  'rpc.inventory.item.return (command)',
  'rpc.inventory.lot.divert (command)',
  'rpc.inventory.lot.amend-window (command)',
  'rpc.inventory.lot.offer (command)',
  'rpc.inventory.lot.withdraw (command)',
  'rpc.inventory.organisation.list (query)',
  'rpc.inventory.organisation.register (command)',
  'rpc.inventory.quarantine.refurbish (command)',
  'rpc.inventory.quarantine.scrap (command)',
  'rpc.inventory.recall.find (query)',
  'rpc.inventory.recall.issue (command)',
  'rpc.inventory.recall.lift (command)',
  'rpc.inventory.refurbishment.certify (command)',
  'rpc.inventory.refurbishment.checklist (command)',
  'rpc.inventory.refurbishment.disinfection (command)',
  'rpc.inventory.refurbishment.quality-check (command)',
  'rpc.inventory.refurbishment.release (command)',
  'rpc.inventory.refurbishment.start (command)',
  'rpc.inventory.refurbishment.triage (command)',
  'rpc.inventory.report.tonnage (query)',
  'rpc.inventory.site.list (query)',
  'rpc.inventory.site.register (command)',
  'rpc.inventory.transformation.record (command)',
  'rpc.matching.beneficiary.erase (command)',
  'rpc.matching.catalogue.get (query)',
  'rpc.matching.catalogue.search (query)',
  'rpc.matching.need.get (query)',
  'rpc.matching.need.list (query)',
  'rpc.matching.need.register (command)',
  'rpc.matching.need.set-priority (command)',
  'rpc.matching.need.withdraw (command)',
  'rpc.matching.proposal.list (query)',
  'rpc.matching.reservation.approve (command)',
  'rpc.matching.reservation.cancel (command)',
  'rpc.matching.reservation.get (query)',
  'rpc.matching.reservation.list (query)',
  'rpc.matching.reservation.refuse (command)',
  'rpc.matching.reservation.request (command)',
];

/** `<stream> captures <subjects>`. */
const STREAMS = [
  'COLLECTION captures collection.>',
  'GATEWAY captures gateway.>',
  'INVENTORY captures inventory.>',
  'MATCHING captures matching.>',
];

const isEventDefinition = (value: unknown): value is EventDefinition =>
  typeof value === 'object' &&
  value !== null &&
  'subject' in value &&
  'schema' in value &&
  'aggregateId' in value;

const isRpcDefinition = (value: unknown): value is RpcDefinition =>
  typeof value === 'object' &&
  value !== null &&
  'subject' in value &&
  'request' in value &&
  'response' in value;

/** Every request/reply definition of the exported maps, such as `InventoryRpc`, with its kind. */
const exportedRpcSubjects = (): string[] =>
  Object.values(rpc as Record<string, unknown>)
    .flatMap((value): unknown[] =>
      typeof value === 'object' && value !== null && !isRpcDefinition(value)
        ? Object.values(value)
        : [],
    )
    .filter(isRpcDefinition)
    .filter((def) => def.subject.startsWith(`${RPC_ROOT}.`))
    .map((def) => `${def.subject} (${def.kind})`);

describe('live names', () => {
  it('should produce exactly the listed event subjects, each of its listed aggregate', () => {
    expectSameNames(
      'An event subject or aggregate type',
      events.ALL_EVENTS.map((def) => `${def.subject} of ${def.aggregate}`),
      EVENT_SUBJECTS,
    );
  });

  it('should publish every exported event definition through ALL_EVENTS', () => {
    const published = new Set<unknown>(events.ALL_EVENTS);
    const missingFromAllEvents = Object.values(events as Record<string, unknown>)
      .filter(isEventDefinition)
      .filter((def) => !published.has(def))
      .map((def) => def.subject);
    expect(missingFromAllEvents).toEqual([]);
  });

  it('should produce exactly the listed request/reply subjects', () => {
    expect(RPC_ROOT).toBe('rpc');
    expectSameNames('A request/reply subject', exportedRpcSubjects(), RPC_SUBJECTS);
  });

  it('should name one stream per producer, capturing its subjects', () => {
    expectSameNames(
      'A stream name or the subjects it captures',
      PRODUCERS.map(
        (producer) => `${streamName(producer)} captures ${streamSubjects(producer).join(', ')}`,
      ),
      STREAMS,
    );
  });

  it('should keep the dead-letter stream, subjects and headers', () => {
    expectSameNames(
      'A dead-letter name',
      [
        `stream ${DEAD_LETTER_STREAM}`,
        `root ${DEAD_LETTER_ROOT}`,
        `subject ${deadLetterSubject('inventory.reservation-requested', 'matching.reservation.requested.v1')}`,
        ...Object.entries(DEAD_LETTER_HEADERS).map(([key, header]) => `header ${key}: ${header}`),
      ],
      [
        'stream DEADLETTER',
        'root deadletter',
        'subject deadletter.inventory.reservation-requested.matching.reservation.requested.v1',
        'header reason: Boucle-Dead-Letter-Reason',
        'header consumer: Boucle-Dead-Letter-Consumer',
        'header subject: Boucle-Original-Subject',
        'header deliveries: Boucle-Deliveries',
        'header history: Boucle-Dead-Letter-History',
        'header redrives: Boucle-Redrives',
      ],
    );
  });
});
