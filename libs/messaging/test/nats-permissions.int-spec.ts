import 'reflect-metadata';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
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

    it("should refuse the gateway collection's subjects until they are opened to it", async () => {
      const gateway = await as('gateway');
      await expectRefused(
        gateway.request('rpc.collection.pickups.list', '', { timeout: 5_000 }),
        'rpc.collection.pickups.list',
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
        '$JS.API.STREAM.INFO.COLLECTION',
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
