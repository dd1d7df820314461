import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import {
  CollectionPickupCompletedV1,
  CollectionPickupScheduledV1,
  CollectionRoundPlannedV1,
  CollectionRoundStartedV1,
  InventoryGoodTransferredV1,
  InventoryHoldPlacedV1,
  InventoryHoldReleasedV1,
  InventoryHoldRejectedV1,
  InventoryRecallIssuedV1,
  MatchingNeedClosedV1,
  MatchingReservationRequestedV1,
  MatchingReservationStatusChangedV1,
  type Actor,
  type EventDefinition,
} from '@boucle/contracts';
import {
  EventFanOut,
  type EndReason,
  type FeedEntry,
  type Follower,
  type ResetReason,
} from './event-fan-out.js';
import { EventFilter } from './event-filter.js';
import { EventStream, type StreamResponse } from './event-stream.js';

const PREFIX = 'test-prefix.';
const encoder = new TextEncoder();

/** An event as the outbox relay publishes it: its envelope, as bytes, on its subject. */
function published<TDef extends EventDefinition>(
  definition: TDef,
  data: Partial<TDef['example']> = {},
  id = randomUUID(),
): Published {
  const envelope = {
    id,
    type: definition.type,
    version: definition.version,
    producer: definition.producer,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    actor: { userId: 'operator-1', role: 'operator', organisationId: randomUUID() },
    data: { ...(definition.example as object), ...data },
  };
  return {
    subject: PREFIX + definition.subject,
    data: encoder.encode(JSON.stringify(envelope)),
    id,
  };
}

interface Published {
  subject: string;
  data: Uint8Array;
  id: string;
}

const deliver = (sut: EventFanOut, ...events: Published[]) => {
  for (const { subject, data } of events) sut.accept(subject, data);
};

const operatorOf = (organisationId: string): Actor => ({
  userId: `operator-${organisationId.slice(0, 4)}`,
  role: 'operator',
  organisationId,
});
const coordinator: Actor = { userId: 'coordinator-1', role: 'coordinator', organisationId: null };

/** What the fan-out told one follower, in order. */
class Recorder implements Follower {
  readonly sent: FeedEntry[] = [];
  readonly said: (ResetReason | EndReason)[] = [];
  readonly marks: (string | undefined)[] = [];
  ended = false;

  constructor(
    readonly actor: Actor,
    readonly filter: EventFilter,
  ) {}

  send(entry: FeedEntry): void {
    this.sent.push(entry);
  }
  mark(id: string | undefined): void {
    this.marks.push(id);
  }
  heartbeat(id: string | undefined): void {
    this.marks.push(id);
  }
  reset(reason: ResetReason): void {
    this.said.push(reason);
  }
  end(reason: EndReason): void {
    this.said.push(reason);
    this.ended = true;
  }
  ids(): string[] {
    return this.sent.map((entry) => entry.id);
  }
}

// The refusals these tests provoke are logged as warnings; the assertions say what was shown.
beforeAll(() => {
  Logger.overrideLogger(false);
});

describe(EventFanOut.name, () => {
  const goodId = randomUUID();
  const organisationId = randomUUID();
  let sut: EventFanOut;

  beforeEach(() => {
    sut = new EventFanOut((subject) => subject.slice(PREFIX.length), 3);
  });

  describe('accept', () => {
    it("should show a reservation's follower its request, inventory's answer and its changes, and a need's follower its reservations' changes", () => {
      const reservationId = randomUUID();
      const needId = randomUUID();
      const ofReservation = new Recorder(
        operatorOf(organisationId),
        EventFilter.following({ reservations: [reservationId] }),
      );
      const ofNeed = new Recorder(
        operatorOf(organisationId),
        EventFilter.following({ needs: [needId] }),
      );
      const requested = published(MatchingReservationRequestedV1, { reservationId, goodId });
      const placed = published(InventoryHoldPlacedV1, { reservationId, goodId });
      const held = published(MatchingReservationStatusChangedV1, {
        reservationId,
        needId,
        goodId,
        status: 'held',
      });
      const anotherId = randomUUID();
      const another = published(MatchingReservationStatusChangedV1, {
        reservationId: anotherId,
        needId: randomUUID(),
      });
      const closed = published(MatchingNeedClosedV1, { needId });
      sut = new EventFanOut((subject) => subject.slice(PREFIX.length), 10);
      sut.follow(ofReservation);
      sut.follow(ofNeed);

      const answers = [requested, placed, held, another, closed].map(
        ({ subject, data }) => sut.accept(subject, data)?.answers,
      );

      expect(ofReservation.ids()).toEqual([requested.id, placed.id, held.id]);
      expect(ofNeed.ids()).toEqual([held.id, closed.id]);
      // What a waiting request for the reservation hears of: inventory's answer, then matching's.
      expect(answers).toEqual([undefined, reservationId, reservationId, anotherId, undefined]);
    });

    it('should take a status change back to requested, and a hold of no reservation, as no answer', () => {
      const asked = published(MatchingReservationStatusChangedV1, { status: 'requested' });
      const unreserved = published(InventoryHoldPlacedV1, { reservationId: null });
      const rejected = published(InventoryHoldRejectedV1);

      expect(sut.accept(asked.subject, asked.data)?.answers).toBeUndefined();
      expect(sut.accept(unreserved.subject, unreserved.data)?.answers).toBeUndefined();
      expect(sut.accept(rejected.subject, rejected.data)?.answers).toBe(
        InventoryHoldRejectedV1.example.reservationId,
      );
    });

    it('should show an event only to followers of a good it names and, when given, of its hold', () => {
      const holdId = randomUUID();
      const ofGood = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      const ofHold = new Recorder(operatorOf(organisationId), EventFilter.of([goodId], [holdId]));
      const ofOther = new Recorder(operatorOf(organisationId), EventFilter.of([randomUUID()]));
      const cluster = new Recorder(coordinator, EventFilter.wholeCluster());
      for (const follower of [ofGood, ofHold, ofOther, cluster]) sut.follow(follower);
      const mine = published(InventoryHoldPlacedV1, { goodId, holdId });
      const another = published(InventoryHoldPlacedV1, { goodId, holdId: randomUUID() });
      const recall = published(InventoryRecallIssuedV1);

      deliver(sut, mine, another, recall);

      expect(ofGood.ids()).toEqual([mine.id, another.id]);
      expect(ofHold.ids()).toEqual([mine.id]);
      expect(ofOther.ids()).toEqual([]);
      expect(cluster.ids()).toEqual([mine.id, another.id, recall.id]);
      expect(ofHold.sent[0]!.frame).toMatch(
        new RegExp(`^id: ${mine.id}\nevent: inventory.hold.placed.v1\ndata: \\{.*\\}\n\n$`),
      );
    });

    it("should show a pickup's events to its followers, and a round's with its stops' to the round's", () => {
      const pickupId = randomUUID();
      const roundId = randomUUID();
      const shop = new Recorder(
        operatorOf(organisationId),
        EventFilter.following({ pickups: [pickupId] }),
      );
      const driver = new Recorder(
        operatorOf(randomUUID()),
        EventFilter.following({ rounds: [roundId] }),
      );
      const otherPickup = new Recorder(
        operatorOf(organisationId),
        EventFilter.following({ pickups: [randomUUID()] }),
      );
      const ofGood = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      for (const follower of [shop, driver, otherPickup, ofGood]) sut.follow(follower);
      const planned = published(CollectionRoundPlannedV1, {
        roundId,
        stops: [{ pickupId, sequence: 1, eta: new Date().toISOString() }],
      });
      const scheduled = published(CollectionPickupScheduledV1, { pickupId, roundId });
      const started = published(CollectionRoundStartedV1, { roundId });
      const completed = published(CollectionPickupCompletedV1, {
        pickupId,
        roundId,
        lotGoodId: null,
      });
      const elsewhere = published(CollectionPickupScheduledV1, {
        pickupId: randomUUID(),
        roundId: randomUUID(),
      });

      deliver(sut, planned, scheduled, started, completed, elsewhere);

      expect(shop.ids()).toEqual([scheduled.id, completed.id]);
      expect(driver.ids()).toEqual([planned.id, scheduled.id, started.id, completed.id]);
      expect(otherPickup.ids()).toEqual([]);
      expect(ofGood.ids()).toEqual([]);
    });

    it("should show a lot's pickup to the lot's followers as to the pickup's", () => {
      const pickupId = randomUUID();
      const ofLot = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      const ofHoldOnLot = new Recorder(
        operatorOf(organisationId),
        EventFilter.of([goodId], [randomUUID()]),
      );
      sut.follow(ofLot);
      sut.follow(ofHoldOnLot);
      const completed = published(CollectionPickupCompletedV1, { pickupId, lotGoodId: goodId });

      deliver(sut, completed);

      expect(ofLot.ids()).toEqual([completed.id]);
      // A hold narrows the good's events to those naming it; a pickup names no hold.
      expect(ofHoldOnLot.ids()).toEqual([]);
    });

    it('should show nothing more to a follower that left, of any good it followed', () => {
      const other = randomUUID();
      const follower = new Recorder(operatorOf(organisationId), EventFilter.of([goodId, other]));
      const stays = new Recorder(operatorOf(organisationId), EventFilter.of([other]));
      sut.follow(follower);
      sut.follow(stays);

      sut.unfollow(follower);
      deliver(
        sut,
        published(InventoryHoldPlacedV1, { goodId }),
        published(InventoryHoldPlacedV1, { goodId: other }),
      );

      expect(follower.sent).toEqual([]);
      expect(stays.sent).toHaveLength(1);
      expect(sut.size).toBe(1);
    });

    it('should show an event once when the broker delivers it again', () => {
      const follower = new Recorder(coordinator, EventFilter.wholeCluster());
      sut.follow(follower);
      const event = published(InventoryHoldPlacedV1);

      deliver(sut, event, event);

      expect(follower.ids()).toEqual([event.id]);
    });

    it('should show nothing of a message that is no envelope or breaks its contract', () => {
      const follower = new Recorder(coordinator, EventFilter.wholeCluster());
      sut.follow(follower);
      const { subject } = published(InventoryHoldPlacedV1);

      sut.accept(subject, encoder.encode('{"not":"an envelope"'));
      sut.accept(subject, encoder.encode('{"id":"x"}'));
      deliver(sut, published(InventoryHoldPlacedV1, { quantity: 'a lot' }));

      expect(follower.sent).toEqual([]);
    });

    it('should stop showing a good to its giver once transferred, and end a stream left with nothing', () => {
      const other = randomUUID();
      const giver = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      const giverOfTwo = new Recorder(operatorOf(organisationId), EventFilter.of([goodId, other]));
      const cluster = new Recorder(coordinator, EventFilter.of([goodId]));
      for (const follower of [giver, giverOfTwo, cluster]) sut.follow(follower);

      deliver(
        sut,
        published(InventoryGoodTransferredV1, {
          goodId,
          fromOrganisationId: organisationId,
          toOrganisationId: randomUUID(),
        }),
        published(InventoryHoldPlacedV1, { goodId }),
      );

      expect(giver.sent.map((e) => e.event)).toEqual(['inventory.good.transferred.v1']);
      expect(giver.said).toEqual(['access-ended']);
      expect(giverOfTwo.sent).toHaveLength(1);
      expect(giverOfTwo.said).toEqual([]);
      expect(cluster.sent).toHaveLength(2);
      expect(sut.size).toBe(2);
    });
  });

  describe('follow', () => {
    it('should replay what was kept after Last-Event-ID, then show the live events', () => {
      const events = [1, 2, 3].map(() => published(InventoryHoldReleasedV1, { goodId }));
      const [first, second, third] = events as [Published, Published, Published];
      deliver(sut, first, second);
      const follower = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));

      sut.follow(follower, first.id);
      deliver(sut, third);

      expect(follower.ids()).toEqual([second.id, third.id]);
      expect(follower.marks).toEqual([second.id]);
      expect(follower.said).toEqual([]);
    });

    it('should tell a follower to re-read when its Last-Event-ID is no longer kept', () => {
      const events = [1, 2, 3, 4].map(() => published(InventoryHoldReleasedV1, { goodId }));
      deliver(sut, ...events);
      const late = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      const inTime = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));

      // The ring keeps 3: the first is gone, the second is the oldest kept.
      sut.follow(late, events[0]!.id);
      sut.follow(inTime, events[1]!.id);

      expect(late.said).toEqual(['position-unknown']);
      expect(late.sent).toEqual([]);
      expect(inTime.ids()).toEqual([events[2]!.id, events[3]!.id]);
    });

    it('should tell a follower to re-read when what it missed is more than it can be sent at once', () => {
      const small = new EventFanOut((subject) => subject.slice(PREFIX.length), 100, 2_000);
      const events = Array.from({ length: 12 }, () =>
        published(InventoryHoldReleasedV1, { goodId }),
      );
      deliver(small, ...events);
      const farBehind = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      const nearly = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));

      small.follow(farBehind, events[0]!.id);
      small.follow(nearly, events[9]!.id);

      expect(farBehind.said).toEqual(['too-far-behind']);
      expect(farBehind.sent).toEqual([]);
      expect(nearly.ids()).toEqual([events[10]!.id, events[11]!.id]);
    });
  });

  describe('gap', () => {
    it('should tell every follower to re-read, and keep nothing from before it to resume from', () => {
      const event = published(InventoryHoldPlacedV1, { goodId });
      deliver(sut, event);
      const follower = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      sut.follow(follower);

      sut.gap();
      const returning = new Recorder(operatorOf(organisationId), EventFilter.of([goodId]));
      sut.follow(returning, event.id);

      expect(follower.said).toEqual(['gap']);
      expect(returning.said).toEqual(['position-unknown']);
      expect(sut.position).toBeUndefined();
    });
  });
});

/** A response whose client reads nothing: every frame written stays buffered. */
class UnreadResponse extends Writable implements StreamResponse {
  readonly written: string[] = [];
  status = 0;
  ended = false;

  constructor(private readonly reads: boolean) {
    super({ highWaterMark: 1_024 });
  }
  writeHead(status: number): this {
    this.status = status;
    return this;
  }
  flushHeaders(): void {}
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.written.push(chunk.toString());
    if (this.reads) done();
  }
  override end(): this {
    this.ended = true;
    return this;
  }
}

describe(EventStream.name, () => {
  const options = (closed: string[]) => ({
    bufferBytes: 4_096,
    expiresAt: Date.now() + 60_000,
    onClose: (_stream: EventStream, why: string) => closed.push(why),
  });
  const entry = (size: number): FeedEntry => {
    const id = randomUUID();
    return {
      id,
      event: 'x',
      frame: `id: ${id}\ndata: ${'x'.repeat(size)}\n\n`,
      names: { goods: [], holds: [], pickups: [], rounds: [], reservations: [], needs: [] },
    };
  };

  it('should drop a client that does not read once its unsent frames pass the bound', () => {
    const closed: string[] = [];
    const res = new UnreadResponse(false);
    const sut = new EventStream(res, coordinator, EventFilter.wholeCluster(), options(closed));

    for (let n = 0; n < 10; n++) sut.send(entry(1_000));

    expect(closed).toEqual(['slow']);
    expect(sut.ended).toBe(true);
    expect(res.destroyed).toBe(true);
    expect(res.writableLength).toBeLessThan(4_096 + 1_100);
  });

  it('should keep a client that reads, and write an id with a heartbeat only when the position moved', () => {
    const closed: string[] = [];
    const res = new UnreadResponse(true);
    const sut = new EventStream(res, coordinator, EventFilter.wholeCluster(), options(closed));
    const sent = entry(10);

    for (let n = 0; n < 100; n++) sut.send(entry(1_000));
    sut.send(sent);
    sut.heartbeat(sent.id);
    sut.heartbeat('3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
    sut.end('shutdown');

    expect(closed).toEqual(['shutdown']);
    expect(res.written.slice(-3)).toEqual([
      ': keep-alive\n\n',
      ': keep-alive\nid: 3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\n\n',
      expect.stringMatching(/^event: end\ndata: \{"reason":"shutdown",/),
    ]);
    expect(res.ended).toBe(true);
  });
});
