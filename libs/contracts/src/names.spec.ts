import { PRODUCERS } from './envelope.js';
import type { EventDefinition } from './event-definition.js';
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
  'inventory.good.transformed.v1 of inventory.good',
  'inventory.hold.handed-over.v1 of inventory.hold',
  'inventory.hold.placed.v1 of inventory.hold',
  'inventory.hold.rejected.v1 of inventory.hold',
  'inventory.hold.released.v1 of inventory.hold',
  'inventory.intake.recorded.v1 of inventory.intake',
  'inventory.item.available.v1 of inventory.item',
  'inventory.item.certified.v1 of inventory.item',
  'inventory.item.refurbishment-recorded.v1 of inventory.item',
  'inventory.item.returned.v1 of inventory.item',
  'inventory.item.triaged.v1 of inventory.item',
  'inventory.lot.diverted.v1 of inventory.lot',
  'inventory.lot.offered.v1 of inventory.lot',
  'inventory.stock.moved.v1 of inventory.stock',
  'matching.reservation.requested.v1 of matching.reservation',
];

const RPC_SUBJECTS = [
  'rpc.inventory.certificate.record',
  'rpc.inventory.device-model.register',
  'rpc.inventory.good.get',
  'rpc.inventory.good.move',
  'rpc.inventory.good.passport',
  'rpc.inventory.hold.hand-over',
  'rpc.inventory.hold.place',
  'rpc.inventory.hold.release',
  'rpc.inventory.intake.record',
  'rpc.inventory.item.return',
  'rpc.inventory.lot.divert',
  'rpc.inventory.lot.offer',
  'rpc.inventory.organisation.register',
  'rpc.inventory.recall.find',
  'rpc.inventory.refurbishment.certify',
  'rpc.inventory.refurbishment.checklist',
  'rpc.inventory.refurbishment.disinfection',
  'rpc.inventory.refurbishment.quality-check',
  'rpc.inventory.refurbishment.release',
  'rpc.inventory.refurbishment.start',
  'rpc.inventory.refurbishment.triage',
  'rpc.inventory.report.tonnage',
  'rpc.inventory.site.register',
  'rpc.inventory.transformation.record',
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

/** Every exported object of the rpc modules whose values are request subjects, such as `InventoryRpc`. */
const exportedRpcSubjects = (): string[] =>
  Object.values(rpc as Record<string, unknown>)
    .flatMap((value): unknown[] =>
      typeof value === 'object' && value !== null ? Object.values(value) : [],
    )
    .filter((value): value is string => typeof value === 'string')
    .filter((value) => value.startsWith(`${RPC_ROOT}.`));

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
