import 'reflect-metadata';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamManager,
} from '@nats-io/jetstream';
import {
  connect,
  PermissionViolationError,
  RequestError,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { MikroORM } from '@boucle/database';
import { eventually, PrivateNatsServer } from '@boucle/testing';
import {
  ensureDeadLetterStream,
  ensureProducerStream,
  MessagingModule,
  MessagingRuntime,
  Naming,
  RpcServer,
  serviceConnectOptions,
} from '../src/index.js';
import { createBackbone, type Backbone } from './harness.js';

/** deploy/nats/accounts.conf, the production users and permissions, included as it is. */
const ACCOUNTS = path.resolve(import.meta.dirname, '../../../deploy/nats/accounts.conf');

const passwords = {
  inventory: 'inventory-secret',
  collection: 'collection-secret',
  matching: 'matching-secret',
  gateway: 'gateway-secret',
} as const;
type User = keyof typeof passwords;

/** Production names: this server is the test's own, so no prefix is needed to keep files apart. */
const naming = new Naming('');
const DEADLINE_MS = 5_000;

/** A promise that must settle before the deadline (a bound on waiting, not a sleep). */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: nothing within ${DEADLINE_MS} ms`)),
      DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts an RpcServer as Nest does: its callback is told of a failed connection. */
function listen(rpc: RpcServer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Nest hands the connection's own error to the callback.
    void rpc.listen((error?: unknown) =>
      error === undefined
        ? resolve()
        : reject(error instanceof Error ? error : new Error('not started', { cause: error })),
    );
  });
}

describe('NATS permissions (deploy/nats)', () => {
  let dir: string;
  let server: PrivateNatsServer;
  const connections: NatsConnection[] = [];

  /** Connects as a service does: its user, its inbox prefix. */
  async function as(user: User): Promise<NatsConnection> {
    const nc = await connect({
      servers: server.url,
      reconnect: false,
      ...serviceConnectOptions(user, { user, password: passwords[user] }),
    });
    connections.push(nc);
    return nc;
  }

  /** Errors the server reported on a connection (a refused publish has no other answer). */
  function asyncErrors(nc: NatsConnection): Error[] {
    const errors: Error[] = [];
    void (async () => {
      for await (const status of nc.status())
        if (status.type === 'error') errors.push(status.error);
    })();
    return errors;
  }

  async function expectSubscriptionRefused(sub: Subscription): Promise<void> {
    const closed = await within(sub.closed, `subscription to ${sub.getSubject()}`);
    expect(closed).toBeInstanceOf(PermissionViolationError);
    expect((closed as PermissionViolationError).operation).toBe('subscription');
  }

  async function expectRefused(call: Promise<unknown>, subject: string): Promise<void> {
    const error = await within(
      call.then(
        () => undefined,
        (e: unknown) => e,
      ),
      subject,
    );
    // Requests carry the server's refusal as their cause.
    const refusal = error instanceof RequestError ? error.cause : error;
    expect(refusal).toBeInstanceOf(PermissionViolationError);
    expect((refusal as PermissionViolationError).subject).toBe(subject);
  }

  /** Inventory's request/reply side as RpcServer subscribes it: queue group `inventory`. */
  function answerAsInventory(
    nc: NatsConnection,
    subject = 'rpc.inventory.lots.list',
  ): Subscription {
    return nc.subscribe(subject, {
      queue: 'inventory',
      callback: (error: Error | null, msg: Msg) => {
        if (!error) msg.respond(`answer to ${msg.string()}`);
      },
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'boucle-nats-conf-'));
    // The production file without its TLS, listen and store settings: the same
    // accounts.conf, included by a test variant (includes are relative to the including file).
    copyFileSync(ACCOUNTS, path.join(dir, 'accounts.conf'));
    writeFileSync(path.join(dir, 'test.conf'), 'jetstream: enabled\ninclude ./accounts.conf\n');
    server = await PrivateNatsServer.start(undefined, {
      configFile: path.join(dir, 'test.conf'),
      env: {
        NATS_INVENTORY_PASSWORD: passwords.inventory,
        NATS_COLLECTION_PASSWORD: passwords.collection,
        NATS_MATCHING_PASSWORD: passwords.matching,
        NATS_GATEWAY_PASSWORD: passwords.gateway,
      },
    });
    // Streams owned by the other services, provisioned by them.
    const collection = await jetstreamManager(await as('collection'));
    await ensureProducerStream(collection, naming, 'collection');
    await ensureDeadLetterStream(collection, naming);
    await ensureProducerStream(await jetstreamManager(await as('matching')), naming, 'matching');
  });

  afterAll(async () => {
    await Promise.allSettled(connections.map((nc) => nc.close()));
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('connections', () => {
    it('should refuse a connection without a user or with a wrong password', async () => {
      await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(
        /authorization/i,
      );
      await expect(
        connect({ servers: server.url, reconnect: false, user: 'inventory', pass: 'wrong' }),
      ).rejects.toThrow(/authorization/i);
    });
  });

  describe('reply inboxes', () => {
    it("should refuse inventory a subscription to _INBOX.> or to another service's inbox", async () => {
      const inventory = await as('inventory');
      await expectSubscriptionRefused(inventory.subscribe('_INBOX.>'));
      await expectSubscriptionRefused(inventory.subscribe('_INBOX_gateway.>'));
      await expectSubscriptionRefused(inventory.subscribe('>'));
    });

    it("should give the gateway inventory's answer and no one else a copy of it", async () => {
      const inventory = await as('inventory');
      const responder = answerAsInventory(inventory);
      await inventory.flush();
      const snooper = await as('collection');
      const snooped: Msg[] = [];
      const snoops = ['_INBOX.>', '_INBOX_gateway.>'].map((subject) =>
        snooper.subscribe(subject, {
          // A refused subscription's callback is told once, with the error and no message.
          callback: (error, msg) => {
            if (!error) snooped.push(msg);
          },
        }),
      );
      await Promise.all(snoops.map(expectSubscriptionRefused));
      const gateway = await as('gateway');

      const reply = await gateway.request('rpc.inventory.lots.list', 'lots?', { timeout: 5_000 });

      expect(reply.string()).toBe('answer to lots?');
      expect(reply.subject.startsWith('_INBOX_gateway.')).toBe(true);
      expect(snooped).toHaveLength(0);
      responder.unsubscribe();
    });
  });

  describe('request/reply subjects', () => {
    it("should refuse inventory requests to another service's subjects", async () => {
      const inventory = await as('inventory');
      await expectRefused(
        inventory.request('rpc.collection.pickups.list', '', { timeout: 5_000 }),
        'rpc.collection.pickups.list',
      );
      // Nor may it call itself around the gateway's checks.
      await expectRefused(
        inventory.request('rpc.inventory.lots.list', '', { timeout: 5_000 }),
        'rpc.inventory.lots.list',
      );
    });

    it("should let the gateway call collection, answered in collection's queue group", async () => {
      const collection = await as('collection');
      const responder = collection.subscribe('rpc.collection.pickup.list', {
        queue: 'collection',
        callback: (error: Error | null, msg: Msg) => {
          if (!error) msg.respond(`pickups for ${msg.string()}`);
        },
      });
      await collection.flush();
      const gateway = await as('gateway');

      const reply = await gateway.request('rpc.collection.pickup.list', 'shop-1', {
        timeout: 5_000,
      });

      expect(reply.string()).toBe('pickups for shop-1');
      expect(reply.subject.startsWith('_INBOX_gateway.')).toBe(true);
      responder.unsubscribe();
    });

    it.each(['inventory', 'matching', 'collection'] as const)(
      "should refuse %s a request to collection's subjects: only the gateway calls them",
      async (user) => {
        const nc = await as(user);
        await expectRefused(
          nc.request('rpc.collection.round.start', '{}', { timeout: 5_000 }),
          'rpc.collection.round.start',
        );
      },
    );

    it("should let the gateway call matching, answered in matching's queue group", async () => {
      const matching = await as('matching');
      const responder = matching.subscribe('rpc.matching.need.list', {
        queue: 'matching',
        callback: (error: Error | null, msg: Msg) => {
          if (!error) msg.respond(`needs for ${msg.string()}`);
        },
      });
      await matching.flush();
      const gateway = await as('gateway');

      const reply = await gateway.request('rpc.matching.need.list', 'operator-1', {
        timeout: 5_000,
      });

      expect(reply.string()).toBe('needs for operator-1');
      expect(reply.subject.startsWith('_INBOX_gateway.')).toBe(true);
      responder.unsubscribe();
    });

    it('should refuse the gateway a service it does not front', async () => {
      const gateway = await as('gateway');
      await expectRefused(
        gateway.request('rpc.ledger.entry.list', '', { timeout: 5_000 }),
        'rpc.ledger.entry.list',
      );
    });

    it("should refuse a subscription to another service's requests, or to its own outside its queue group", async () => {
      const inventory = await as('inventory');
      await expectSubscriptionRefused(
        inventory.subscribe('rpc.collection.>', { queue: 'collection' }),
      );
      await expectSubscriptionRefused(
        inventory.subscribe('rpc.collection.>', { queue: 'inventory' }),
      );
      // A plain subscription would take a copy of every request beside the queue group.
      await expectSubscriptionRefused(inventory.subscribe('rpc.inventory.>'));
    });

    it('should refuse a plain publish on a subject no permission allows', async () => {
      const inventory = await as('inventory');
      const errors = asyncErrors(inventory);

      inventory.publish('collection.pickup.done.v1', '{}');

      await eventually(
        () =>
          expect(errors).toContainEqual(
            expect.objectContaining({
              name: 'PermissionViolationError',
              subject: 'collection.pickup.done.v1',
            }),
          ),
        { timeoutMs: DEADLINE_MS },
      );
    });
  });

  describe('JetStream', () => {
    let inventory: NatsConnection;
    let jsm: JetStreamManager;

    beforeAll(async () => {
      inventory = await as('inventory');
      jsm = await jetstreamManager(inventory);
    });

    it("should refuse inventory purging or deleting another service's stream, or the dead letters", async () => {
      await expectRefused(jsm.streams.purge('COLLECTION'), '$JS.API.STREAM.PURGE.COLLECTION');
      await expectRefused(jsm.streams.delete('COLLECTION'), '$JS.API.STREAM.DELETE.COLLECTION');
      await expectRefused(jsm.streams.delete('DEADLETTER'), '$JS.API.STREAM.DELETE.DEADLETTER');
      await expectRefused(jsm.streams.purge('DEADLETTER'), '$JS.API.STREAM.PURGE.DEADLETTER');
      await expectRefused(
        jsm.streams.update('COLLECTION', { subjects: ['collection.>'] }),
        // It may read the stream's info (it consumes completed pickups), never change it.
        '$JS.API.STREAM.UPDATE.COLLECTION',
      );
      await expectRefused(
        jsm.streams.getMessage('COLLECTION', { seq: 1 }),
        '$JS.API.STREAM.MSG.GET.COLLECTION',
      );
      // Its own stream is not its to delete either: only to provision.
      await ensureProducerStream(jsm, naming, 'inventory');
      await expectRefused(jsm.streams.delete('INVENTORY'), '$JS.API.STREAM.DELETE.INVENTORY');
    });

    it('should refuse inventory consumers on other streams beyond its own durable and filter', async () => {
      await expectRefused(
        jsm.consumers.add('COLLECTION', {
          durable_name: 'inventory_snoop',
          ack_policy: AckPolicy.Explicit,
          filter_subject: 'collection.>',
        }),
        '$JS.API.CONSUMER.CREATE.COLLECTION.inventory_snoop.collection.>',
      );
      // Its own durable on MATCHING, but reading more than the event it subscribes to.
      await expectRefused(
        jsm.consumers.add('MATCHING', {
          durable_name: 'inventory_reservation-requested',
          ack_policy: AckPolicy.Explicit,
        }),
        '$JS.API.CONSUMER.CREATE.MATCHING.inventory_reservation-requested',
      );
      await expectRefused(
        jsm.consumers.add('MATCHING', {
          durable_name: 'inventory_reservation-requested',
          ack_policy: AckPolicy.Explicit,
          filter_subject: 'matching.>',
        }),
        '$JS.API.CONSUMER.CREATE.MATCHING.inventory_reservation-requested.matching.>',
      );
    });

    it('should let inventory provision its stream, publish to it and pull and ack through its durable', async () => {
      await ensureProducerStream(jsm, naming, 'inventory');
      await ensureDeadLetterStream(jsm, naming);
      const js = jetstream(inventory);

      const ack = await js.publish('inventory.hold.placed.v1', '{"n":1}');
      await js.publish('deadletter.inventory.reservation-requested.matching.x.v1', '{}');
      await jsm.consumers.add('INVENTORY', {
        durable_name: 'inventory_self-check',
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'inventory.hold.placed.v1',
      });
      const msg = await (
        await js.consumers.get('INVENTORY', 'inventory_self-check')
      ).next({
        expires: 5_000,
      });

      expect(ack.stream).toBe('INVENTORY');
      expect(msg?.string()).toBe('{"n":1}');
      expect(await msg!.ackAck()).toBe(true);
      await expectRefused(
        js.publish('collection.pickup.done.v1', '{}'),
        'collection.pickup.done.v1',
      );
    });

    it("should let inventory consume matching's reservations through its durable only", async () => {
      const matching = jetstream(await as('matching'));
      await matching.publish('matching.reservation.requested.v1', '{"r":1}');
      const js = jetstream(inventory);

      await jsm.consumers.add('MATCHING', {
        durable_name: 'inventory_reservation-requested',
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'matching.reservation.requested.v1',
      });
      const msg = await (
        await js.consumers.get('MATCHING', 'inventory_reservation-requested')
      ).next({ expires: 5_000 });

      expect(msg?.string()).toBe('{"r":1}');
      expect(await msg!.ackAck()).toBe(true);
      await expectRefused(
        jsm.consumers.delete('MATCHING', 'inventory_reservation-requested'),
        '$JS.API.CONSUMER.DELETE.MATCHING.inventory_reservation-requested',
      );
    });

    /** Matching's consumers of inventory's stream (services/matching, @OnEvent), by durable. */
    const matchingDurables = {
      'matching_catalogue-sites': 'inventory.site.registered.v1',
      'matching_catalogue-stock': 'inventory.stock.moved.v1',
      'matching_catalogue-items': 'inventory.item.available.v1',
      'matching_catalogue-lots': 'inventory.lot.offered.v1',
      'matching_catalogue-lot-windows': 'inventory.lot.window-amended.v1',
      'matching_hold-placed': 'inventory.hold.placed.v1',
      'matching_hold-rejected': 'inventory.hold.rejected.v1',
      'matching_hold-released': 'inventory.hold.released.v1',
      'matching_hold-handed-over': 'inventory.hold.handed-over.v1',
    };

    it.each(Object.entries(matchingDurables))(
      "should let matching consume inventory's stream through %s, filtered on %s",
      async (durable, subject) => {
        await ensureProducerStream(jsm, naming, 'inventory');
        await jetstream(inventory).publish(subject, JSON.stringify({ for: durable }));
        const nc = await as('matching');
        const manager = await jetstreamManager(nc);
        const js = jetstream(nc);

        // As the consumer runner provisions it: created, then updated by a newer release.
        // From the last message: an earlier test may have published on the same subject.
        await manager.consumers.add('INVENTORY', {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.Last,
          filter_subject: subject,
        });
        await manager.consumers.update('INVENTORY', durable, { max_ack_pending: 1_000 });
        const msg = await (await js.consumers.get('INVENTORY', durable)).next({ expires: 5_000 });

        expect(msg?.subject).toBe(subject);
        expect(msg?.string()).toBe(JSON.stringify({ for: durable }));
        expect(await msg!.ackAck()).toBe(true);
        expect((await manager.streams.info('INVENTORY')).config.name).toBe('INVENTORY');
      },
    );

    it("should let matching read inventory's whole stream through the catalogue rebuild's own consumer, and delete it", async () => {
      await ensureProducerStream(jsm, naming, 'inventory');
      await jetstream(inventory).publish('inventory.site.registered.v1', '{"rebuild":1}');
      const nc = await as('matching');
      const manager = await jetstreamManager(nc);

      await manager.consumers.add('INVENTORY', {
        name: 'matching_catalogue-rebuild',
        deliver_policy: DeliverPolicy.Last,
        ack_policy: AckPolicy.None,
      });
      const msg = await (
        await jetstream(nc).consumers.get('INVENTORY', 'matching_catalogue-rebuild')
      ).next({ expires: 5_000 });

      expect(msg?.string()).toBe('{"rebuild":1}');
      await expect(
        manager.consumers.delete('INVENTORY', 'matching_catalogue-rebuild'),
      ).resolves.toBe(true);
    });

    it("should refuse matching any other consumer of inventory's stream, its messages, its durables' deletion and inventory's events", async () => {
      await ensureProducerStream(jsm, naming, 'inventory');
      const nc = await as('matching');
      const manager = await jetstreamManager(nc);
      await expectRefused(
        manager.consumers.add('INVENTORY', {
          durable_name: 'matching_snoop',
          ack_policy: AckPolicy.Explicit,
          filter_subject: 'inventory.>',
        }),
        '$JS.API.CONSUMER.CREATE.INVENTORY.matching_snoop.inventory.>',
      );
      // Its own durable, but reading another event than the one it is for.
      await expectRefused(
        manager.consumers.add('INVENTORY', {
          durable_name: 'matching_hold-placed',
          ack_policy: AckPolicy.Explicit,
          filter_subject: 'inventory.hold.released.v1',
        }),
        '$JS.API.CONSUMER.CREATE.INVENTORY.matching_hold-placed.inventory.hold.released.v1',
      );
      await expectRefused(
        manager.consumers.add('INVENTORY', {
          durable_name: 'matching_catalogue-sites',
          ack_policy: AckPolicy.Explicit,
        }),
        '$JS.API.CONSUMER.CREATE.INVENTORY.matching_catalogue-sites',
      );
      // Another service's durable, and an ephemeral consumer (which on 2.9 could update one).
      await expectRefused(
        manager.consumers.add('INVENTORY', {
          durable_name: 'inventory_self-check',
          ack_policy: AckPolicy.Explicit,
          filter_subject: 'inventory.hold.placed.v1',
        }),
        '$JS.API.CONSUMER.CREATE.INVENTORY.inventory_self-check.inventory.hold.placed.v1',
      );
      await expectRefused(
        manager.consumers.add('INVENTORY', { ack_policy: AckPolicy.None }),
        '$JS.API.CONSUMER.CREATE.INVENTORY',
      );
      await expectRefused(
        manager.consumers.delete('INVENTORY', 'matching_hold-placed'),
        '$JS.API.CONSUMER.DELETE.INVENTORY.matching_hold-placed',
      );
      await expectRefused(
        manager.streams.getMessage('INVENTORY', { seq: 1 }),
        '$JS.API.STREAM.MSG.GET.INVENTORY',
      );
      await expectRefused(
        manager.streams.update('INVENTORY', { subjects: ['inventory.>'] }),
        '$JS.API.STREAM.UPDATE.INVENTORY',
      );
      await expectRefused(
        jetstream(nc).publish('inventory.hold.placed.v1', '{"forged":1}'),
        'inventory.hold.placed.v1',
      );
      await expectRefused(
        jetstream(nc).publish('deadletter.inventory.x', '{}'),
        'deadletter.inventory.x',
      );
      await expectRefused(
        nc.request('rpc.inventory.lots.list', '', { timeout: 5_000 }),
        'rpc.inventory.lots.list',
      );
    });

    it('should let matching publish its events and dead letters, and answer requests in its queue group only', async () => {
      const nc = await as('matching');
      const manager = await jetstreamManager(nc);
      await ensureProducerStream(manager, naming, 'matching');
      await ensureDeadLetterStream(manager, naming);
      const js = jetstream(nc);

      const event = await js.publish('matching.reservation.requested.v1', '{"r":2}');
      const dead = await js.publish('deadletter.matching.hold-placed.inventory.x.v1', '{}');

      expect(event.stream).toBe('MATCHING');
      expect(dead.stream).toBe('DEADLETTER');
      await expectRefused(
        js.publish('collection.pickup.completed.v1', '{}'),
        'collection.pickup.completed.v1',
      );
      const rpc = nc.subscribe('rpc.matching.>', { queue: 'matching' });
      await nc.flush();
      expect(rpc.isClosed()).toBe(false);
      rpc.unsubscribe();
      await expectSubscriptionRefused(nc.subscribe('rpc.matching.>'));
      await expectSubscriptionRefused(nc.subscribe('inventory.>'));
    });

    it("should let the gateway read inventory's events as they are published, and neither publish one, read requests nor open a consumer", async () => {
      await ensureProducerStream(jsm, naming, 'inventory');
      const gateway = await as('gateway');
      const errors = asyncErrors(gateway);
      const seen: string[] = [];
      gateway.subscribe('inventory.>', {
        callback: (error, msg) => {
          if (!error) seen.push(msg.string());
        },
      });
      await gateway.flush();

      await jetstream(inventory).publish('inventory.hold.released.v1', '{"released":1}');
      gateway.publish('inventory.hold.placed.v1', '{"forged":1}');

      await eventually(() => expect(seen).toContain('{"released":1}'), { timeoutMs: DEADLINE_MS });
      await eventually(
        () =>
          expect(errors).toContainEqual(
            expect.objectContaining({
              name: 'PermissionViolationError',
              subject: 'inventory.hold.placed.v1',
            }),
          ),
        { timeoutMs: DEADLINE_MS },
      );
      expect(seen).not.toContain('{"forged":1}');
      // Requests carry people's identities.
      await expectSubscriptionRefused(gateway.subscribe('rpc.inventory.>'));
      await expectSubscriptionRefused(gateway.subscribe('rpc.collection.>'));
      await expectSubscriptionRefused(gateway.subscribe('rpc.matching.>'));
      await expectSubscriptionRefused(gateway.subscribe('deadletter.>'));
      // An ephemeral consumer, which on 2.9 could also update another service's durable.
      const manager = await jetstreamManager(gateway, { checkAPI: false });
      await expectRefused(
        manager.consumers.add('INVENTORY', {
          ack_policy: AckPolicy.None,
          deliver_subject: '_INBOX_gateway.events',
        }),
        '$JS.API.CONSUMER.CREATE.INVENTORY',
      );
      await expectRefused(manager.streams.info('INVENTORY'), '$JS.API.STREAM.INFO.INVENTORY');
    });
  });

  describe("collection's events", () => {
    it("should let the gateway read collection's events as they are published, and neither publish one nor read its stream", async () => {
      const collection = await as('collection');
      const gateway = await as('gateway');
      const errors = asyncErrors(gateway);
      const seen: string[] = [];
      gateway.subscribe('collection.>', {
        callback: (error, msg) => {
          if (!error) seen.push(msg.string());
        },
      });
      await gateway.flush();

      await jetstream(collection).publish('collection.round.started.v1', '{"started":1}');
      gateway.publish('collection.pickup.completed.v1', '{"forged":1}');

      await eventually(() => expect(seen).toContain('{"started":1}'), { timeoutMs: DEADLINE_MS });
      await eventually(
        () =>
          expect(errors).toContainEqual(
            expect.objectContaining({
              name: 'PermissionViolationError',
              subject: 'collection.pickup.completed.v1',
            }),
          ),
        { timeoutMs: DEADLINE_MS },
      );
      expect(seen).not.toContain('{"forged":1}');
      const manager = await jetstreamManager(gateway, { checkAPI: false });
      await expectRefused(manager.streams.info('COLLECTION'), '$JS.API.STREAM.INFO.COLLECTION');
      await expectRefused(
        manager.consumers.add('COLLECTION', {
          ack_policy: AckPolicy.None,
          deliver_subject: '_INBOX_gateway.events',
        }),
        '$JS.API.CONSUMER.CREATE.COLLECTION',
      );
    });
  });

  describe("matching's events", () => {
    it("should let the gateway read matching's events as they are published, and neither publish one nor read its stream", async () => {
      const matching = await as('matching');
      const gateway = await as('gateway');
      const errors = asyncErrors(gateway);
      const seen: string[] = [];
      gateway.subscribe('matching.>', {
        callback: (error, msg) => {
          if (!error) seen.push(msg.string());
        },
      });
      await gateway.flush();

      await jetstream(matching).publish('matching.reservation.status-changed.v1', '{"changed":1}');
      gateway.publish('matching.reservation.cancelled.v1', '{"forged":1}');

      await eventually(() => expect(seen).toContain('{"changed":1}'), { timeoutMs: DEADLINE_MS });
      await eventually(
        () =>
          expect(errors).toContainEqual(
            expect.objectContaining({
              name: 'PermissionViolationError',
              subject: 'matching.reservation.cancelled.v1',
            }),
          ),
        { timeoutMs: DEADLINE_MS },
      );
      expect(seen).not.toContain('{"forged":1}');
      const manager = await jetstreamManager(gateway, { checkAPI: false });
      await expectRefused(manager.streams.info('MATCHING'), '$JS.API.STREAM.INFO.MATCHING');
      await expectRefused(
        manager.consumers.add('MATCHING', {
          ack_policy: AckPolicy.None,
          deliver_subject: '_INBOX_gateway.events',
        }),
        '$JS.API.CONSUMER.CREATE.MATCHING',
      );
    });
  });

  describe('service wiring', () => {
    let backbone: Backbone;

    beforeAll(async () => {
      // Its database only: the module under test connects to the private server.
      backbone = await createBackbone();
    });

    afterAll(async () => {
      await backbone?.dispose();
    });

    function messagingApp(credentials?: {
      user: string;
      password: string;
    }): Promise<INestApplicationContext> {
      @Module({
        imports: [
          MessagingModule.forRoot({
            producer: 'inventory',
            natsUrl: server.url,
            ...(credentials && { natsCredentials: credentials }),
            databaseUrl: backbone.db.url,
            runRelay: false,
          }),
        ],
        providers: [{ provide: MikroORM, useValue: backbone.orm }],
      })
      class PermissionsAppModule {}
      return NestFactory.createApplicationContext(PermissionsAppModule, {
        logger: false,
        abortOnError: false,
      });
    }

    it("should connect MessagingModule as the service's user and provision its streams under its permissions", async () => {
      const app = await messagingApp({ user: 'inventory', password: passwords.inventory });
      try {
        await app.init();
        await eventually(() => expect(app.get(MessagingRuntime).ready).toBe(true));
        const manager = await jetstreamManager(await as('inventory'));
        expect((await manager.streams.info('INVENTORY')).config.subjects).toEqual(['inventory.>']);
        expect((await manager.streams.info('DEADLETTER')).config.subjects).toEqual([
          'deadletter.>',
        ]);
      } finally {
        await app.close();
      }
    });

    it('should refuse MessagingModule without credentials', async () => {
      await expect(messagingApp()).rejects.toThrow(/authorization/i);
    });

    it("should answer the gateway's request through an RpcServer connected as inventory", async () => {
      const rpc = new RpcServer({
        nats: {
          servers: server.url,
          queue: 'inventory',
          ...serviceConnectOptions('inventory', {
            user: 'inventory',
            password: passwords.inventory,
          }),
        },
      });
      rpc.addHandler('rpc.inventory.sites.list', () => Promise.resolve(['site-1']));
      await listen(rpc);
      try {
        const gateway = await as('gateway');
        const reply = await gateway.request(
          'rpc.inventory.sites.list',
          JSON.stringify({ pattern: 'rpc.inventory.sites.list', data: {}, id: '1' }),
          { timeout: 5_000 },
        );
        expect(reply.json<{ response?: unknown }>().response).toEqual(['site-1']);
      } finally {
        await rpc.close();
      }
    });

    it('should refuse an RpcServer without credentials', async () => {
      const rpc = new RpcServer({
        nats: { servers: server.url, queue: 'inventory', reconnect: false },
      });
      try {
        await expect(listen(rpc)).rejects.toThrow(/authorization/i);
      } finally {
        await rpc.close().catch(() => undefined);
      }
    });
  });
});
