import 'reflect-metadata';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import {
  ActorSchema,
  defineCommand,
  defineQuery,
  RPC_HEADERS,
  type RpcRequest,
} from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { forgeIdentity, testEnvironment, testIdentityKeys } from '@boucle/testing';
import {
  CommandLog,
  currentWorkContext,
  IdentitySigner,
  IdentityVerifier,
  inTransaction,
  NestedTransactionError,
  recordEvent,
  Refusal,
  RpcClient,
  RpcError,
  RpcHandler,
  RpcServer,
  runInWorkContext,
} from '../src/index.js';
import { createBackbone, ParcelWeighedV1, type Backbone } from './harness.js';

const WeighV1 = defineCommand({
  service: 'inventory',
  aggregate: 'parcel',
  verb: 'weigh',
  description: 'test command',
  request: z.strictObject({
    actor: ActorSchema,
    kg: z.number().positive(),
    workMs: z.number().int().min(0).default(0),
  }),
  response: z.object({ parcelId: z.uuid(), correlationId: z.string() }),
});

const LabelV1 = defineCommand({
  service: 'inventory',
  aggregate: 'parcel',
  verb: 'label',
  description: 'test command',
  request: z.strictObject({ actor: ActorSchema }),
  response: z.object({ labelled: z.boolean() }),
});

/** Its handler acts, then answers what its contract does not allow. */
const BrokenWeighV1 = defineCommand({
  service: 'inventory',
  aggregate: 'parcel',
  verb: 'broken-weigh',
  description: 'test command',
  request: z.strictObject({ actor: ActorSchema }),
  response: z.object({ parcelId: z.uuid() }),
});

/** Its handler answers what its contract does not allow. */
const BrokenV1 = defineQuery({
  service: 'inventory',
  aggregate: 'parcel',
  verb: 'broken',
  description: 'test query',
  request: z.strictObject({ actor: ActorSchema }),
  response: z.object({ count: z.number() }),
});

const RefuseV1 = defineQuery({
  service: 'inventory',
  aggregate: 'parcel',
  verb: 'refuse',
  description: 'test query',
  request: z.strictObject({ actor: ActorSchema }),
  response: z.object({}),
});

const signer = new IdentitySigner(testIdentityKeys().privateKeyPem);
const otherKey = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const operator = { userId: 'op-1', role: 'operator' as const, organisationId: 'org-1' };

/** Handler work that takes a while (not a wait for a condition: those poll with a deadline). */
const simulateWork = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let orm: MikroORM;

@Controller()
class ParcelHandlers {
  @RpcHandler(WeighV1, { roles: ['operator'] })
  async weigh(request: RpcRequest<typeof WeighV1>) {
    return inTransaction(orm, async (em) => {
      const parcelId = randomUUID();
      await em.execute('INSERT INTO test_parcel (id, seq, kg) VALUES (?, 0, ?)', [
        parcelId,
        request.kg,
      ]);
      await recordEvent(
        em,
        ParcelWeighedV1,
        { parcelId, seq: 0, kg: request.kg },
        { actor: request.actor },
      );
      await simulateWork(request.workMs);
      return { parcelId, correlationId: currentWorkContext()!.correlationId };
    });
  }

  @RpcHandler(LabelV1, { roles: ['operator'] })
  label() {
    return inTransaction(orm, () => Promise.resolve({ labelled: true }));
  }

  @RpcHandler(BrokenWeighV1, { roles: ['operator'] })
  brokenWeigh() {
    return inTransaction(orm, async (em) => {
      await em.execute('INSERT INTO test_parcel (id, seq, kg) VALUES (?, 0, 1)', [randomUUID()]);
      return { parcelId: 'not a uuid' };
    });
  }

  @RpcHandler(BrokenV1, { roles: ['operator'] })
  broken() {
    return { count: 'many' } as unknown as { count: number };
  }

  @RpcHandler(RefuseV1, { roles: ['operator'] })
  refuse(): never {
    throw new Refusal('forbidden', 'not for you');
  }
}

@Module({ controllers: [ParcelHandlers] })
class TestRpcModule {}

describe(RpcServer.name, () => {
  let backbone: Backbone;
  let app: INestMicroservice;
  let sut: RpcClient;

  beforeAll(async () => {
    backbone = await createBackbone();
    orm = backbone.orm;
    app = await NestFactory.createMicroservice(TestRpcModule, {
      strategy: new RpcServer({
        nats: { servers: testEnvironment().natsUrl },
        prefix: backbone.naming.prefix,
        commandLog: new CommandLog(orm),
        identity: new IdentityVerifier([testIdentityKeys().publicKeyPem]),
      }),
      logger: false,
    });
    await app.listen();
    sut = new RpcClient(backbone.nc, backbone.naming.prefix, 5_000, signer);
  });

  afterAll(async () => {
    await app?.close();
    await backbone?.dispose();
  });

  async function parcels(): Promise<number> {
    const [row] = await orm.em
      .fork()
      .execute<{ n: string }[]>('SELECT count(*) AS n FROM test_parcel');
    return Number(row!.n);
  }

  async function outboxRows(): Promise<{ correlation_id: string; causation_id: string | null }[]> {
    return orm.em.fork().execute(
      `SELECT payload->>'correlationId' AS correlation_id, payload->>'causationId' AS causation_id
           FROM messaging_outbox ORDER BY id`,
    );
  }

  describe('command ids', () => {
    it('should act once and answer the first answer when a command is sent again with its id', async () => {
      const before = await parcels();
      const commandId = randomUUID();

      const first = await sut.request(WeighV1, { actor: operator, kg: 3 }, { commandId });
      const again = await sut.request(WeighV1, { actor: operator, kg: 3 }, { commandId });

      expect(again).toEqual(first);
      expect(await parcels()).toBe(before + 1);
    });

    it('should act once when the caller timed out and retried while the first was still running', async () => {
      const before = await parcels();
      const commandId = randomUUID();

      // Each attempt gives up after 300 ms; the first is still at work for 1.2 s, so the
      // second and third arrive while it runs, and the last one gets the answer.
      const answer = await sut.request(
        WeighV1,
        { actor: operator, kg: 4, workMs: 1_200 },
        { commandId, timeoutMs: 300, retries: 5 },
      );

      expect(await parcels()).toBe(before + 1);
      const [row] = await orm.em
        .fork()
        .execute<{ id: string }[]>('SELECT id FROM test_parcel WHERE kg = 4');
      expect(answer.parcelId).toBe(row!.id);
    });

    it('should refuse a command id already used for another command', async () => {
      const commandId = randomUUID();
      await sut.request(WeighV1, { actor: operator, kg: 5 }, { commandId });

      const error = await sut
        .request(LabelV1, { actor: operator }, { commandId })
        .catch((e: unknown) => e);

      expect((error as RpcError).body).toMatchObject({ code: 'conflict' });
      expect((error as RpcError).message).toContain('already used for another request');
    });

    it("should never answer another request's first answer through its command id", async () => {
      const commandId = randomUUID();
      const first = await sut.request(WeighV1, { actor: operator, kg: 10 }, { commandId });
      const before = await parcels();

      // Command ids are no secret: the events a command records name it as their cause.
      const error = await sut
        .request(WeighV1, { actor: operator, kg: 11 }, { commandId })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).body).toMatchObject({ code: 'conflict' });
      expect(JSON.stringify((error as RpcError).body)).not.toContain(first.parcelId);
      expect(await parcels()).toBe(before);
    });

    it('should refuse a command whose command id is not a UUID rather than run it unprotected', async () => {
      const before = await parcels();
      const h = natsHeaders();
      h.set(RPC_HEADERS.commandId, 'ulid-01HZX3');
      h.set(RPC_HEADERS.identity, await signer.sign(operator));
      const reply = await backbone.nc.request(
        backbone.naming.prefix + WeighV1.subject,
        JSON.stringify({ pattern: WeighV1.subject, data: { kg: 12 }, id: randomUUID() }),
        { headers: h, timeout: 5_000 },
      );

      expect(reply.json<{ err: unknown }>().err).toMatchObject({
        code: 'validation',
        issues: [{ path: RPC_HEADERS.commandId }],
      });
      expect(await parcels()).toBe(before);
    });

    it('should act again for a new command id', async () => {
      const before = await parcels();

      const a = await sut.request(WeighV1, { actor: operator, kg: 6 });
      const b = await sut.request(WeighV1, { actor: operator, kg: 6 });

      expect(a.parcelId).not.toBe(b.parcelId);
      expect(await parcels()).toBe(before + 2);
    });
  });

  describe('inTransaction', () => {
    it('should refuse to open a transaction inside another of the same work', async () => {
      const nested = runInWorkContext({ correlationId: randomUUID() }, () =>
        inTransaction(orm, () => inTransaction(orm, () => Promise.resolve(1))),
      );

      await expect(nested).rejects.toBeInstanceOf(NestedTransactionError);
    });
  });

  describe('pruning', () => {
    it('should forget answers older than it keeps, at most a batch at a time, and keep younger ones', async () => {
      await sut.request(WeighV1, { actor: operator, kg: 9 });
      await sut.request(WeighV1, { actor: operator, kg: 9 });
      const log = new CommandLog(orm);
      const rows = async () =>
        Number(
          (
            await orm.em
              .fork()
              .execute<{ n: string }[]>('SELECT count(*) AS n FROM messaging_command_log')
          )[0]!.n,
        );
      const before = await rows();

      expect(await log.prune(60_000)).toBe(0);
      expect(await log.prune(0, 1)).toBe(1);
      expect(await rows()).toBe(before - 1);
      expect(await log.prune(0)).toBe(before - 1);
      expect(await rows()).toBe(0);
    });
  });

  describe('work context', () => {
    it("should carry the caller's correlation id into the handler and the events it records", async () => {
      const correlationId = randomUUID();
      const commandId = randomUUID();

      const answer = await sut.request(
        WeighV1,
        { actor: operator, kg: 7 },
        { correlationId, commandId },
      );

      expect(answer.correlationId).toBe(correlationId);
      const rows = await outboxRows();
      expect(rows.at(-1)).toEqual({ correlation_id: correlationId, causation_id: commandId });
    });

    it('should start a correlation when the caller sends none that is an id', async () => {
      const reply = (await sut.send(
        WeighV1.subject,
        { actor: operator, kg: 8 },
        { correlationId: 'not an id' },
      )) as {
        correlationId: string;
      };

      expect(reply.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('identity', () => {
    const raw = async (data: unknown, identity?: string) => {
      const h = natsHeaders();
      if (identity !== undefined) h.set(RPC_HEADERS.identity, identity);
      const reply = await backbone.nc.request(
        backbone.naming.prefix + WeighV1.subject,
        JSON.stringify({ pattern: WeighV1.subject, data, id: randomUUID() }),
        { headers: h, timeout: 5_000 },
      );
      return reply.json<{ err?: { code: string; message: string } }>().err;
    };

    it('should refuse a request whose body claims an actor, even with an identity', async () => {
      const before = await parcels();
      const forged = { userId: 'boss', role: 'coordinator', organisationId: null };

      const alone = await raw({ actor: forged, kg: 1 });
      const withIdentity = await raw({ actor: forged, kg: 1 }, await signer.sign(operator));

      expect(alone).toMatchObject({ code: 'validation' });
      expect(withIdentity).toMatchObject({ code: 'validation' });
      expect(await parcels()).toBe(before);
    });

    it('should refuse a request without an identity, naming why, before reading it', async () => {
      expect(await raw({ kg: 1 })).toMatchObject({ code: 'unauthenticated' });
    });

    it.each([
      ['signed by another key', async () => new IdentitySigner(otherKey).sign(operator)],
      ['expired', async () => signer.sign(operator, -60)],
      ['not a token', () => Promise.resolve('not.a.token')],
      [
        'unsigned (alg none)',
        () =>
          Promise.resolve(
            `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
              JSON.stringify({
                sub: 'boss',
                role: 'coordinator',
                org: null,
                iss: 'boucle-gateway',
                aud: 'boucle-services',
                iat: Math.floor(Date.now() / 1000),
                exp: Math.floor(Date.now() / 1000) + 60,
              }),
            ).toString('base64url')}.`,
          ),
      ],
    ])('should refuse an identity %s', async (_case, token) => {
      const before = await parcels();

      expect(await raw({ kg: 1 }, await token())).toMatchObject({ code: 'unauthenticated' });
      expect(await parcels()).toBe(before);
    });

    it('should never sign nor accept an identity speaking as system', async () => {
      const forged = forgeIdentity({ sub: 'inventory', role: 'system', org: null });
      expect(await raw({ kg: 1 }, forged)).toMatchObject({ code: 'unauthenticated' });
      await expect(
        signer.sign({ userId: 'x', role: 'system', organisationId: null }),
      ).rejects.toThrow(/system/);
    });

    it('should hand the handler the actor its identity proves', async () => {
      const answer = await sut.request(WeighV1, { actor: operator, kg: 13 });

      const [row] = await orm.em
        .fork()
        .execute<{ actor: { userId: string } }[]>(
          `SELECT payload->'actor' AS actor FROM messaging_outbox WHERE payload->'data'->>'parcelId' = ?`,
          [answer.parcelId],
        );
      expect(row!.actor).toMatchObject({ userId: operator.userId });
    });
  });

  describe('contracts', () => {
    it('should refuse a request with an unknown field, naming it', async () => {
      const error = await sut
        .send(WeighV1.subject, { actor: operator, kg: 1, colour: 'red' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).body).toMatchObject({
        code: 'validation',
        issues: [{ path: 'colour', message: 'unknown field' }],
      });
    });

    it('should answer internal, never the wrong shape, when its handler breaks the response contract', async () => {
      const error = await sut.request(BrokenV1, { actor: operator }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).body).toEqual({ code: 'internal', message: 'internal error' });
    });

    it('should roll back a command whose answer breaks its contract, so that it never acted', async () => {
      const before = await parcels();

      const error = await sut.request(BrokenWeighV1, { actor: operator }).catch((e: unknown) => e);

      expect((error as RpcError).body).toEqual({ code: 'internal', message: 'internal error' });
      expect(await parcels()).toBe(before);
    });

    it('should refuse a role the handler does not declare before reading anything else of the request', async () => {
      const as = (role: string) => ({ userId: 'u-1', role, organisationId: 'org-1' });

      const driver = await sut
        .send(WeighV1.subject, { kg: -1, actor: as('driver') })
        .catch((e: unknown) => e);
      const operator = await sut
        .send(WeighV1.subject, { kg: -1, actor: as('operator') })
        .catch((e: unknown) => e);

      expect((driver as RpcError).body).toMatchObject({ code: 'forbidden' });
      expect((operator as RpcError).body).toMatchObject({ code: 'validation' });
    });

    it('should answer a refusal with its code', async () => {
      const error = await sut.request(RefuseV1, { actor: operator }).catch((e: unknown) => e);

      expect((error as RpcError).body).toEqual({ code: 'forbidden', message: 'not for you' });
    });
  });
});

describe(RpcClient.name, () => {
  let backbone: Backbone;

  beforeAll(async () => {
    backbone = await createBackbone();
  });

  afterAll(async () => {
    await backbone?.dispose();
  });

  it('should report an answer whose shape breaks its contract as a server error, never pass it on', async () => {
    const subject = backbone.naming.prefix + WeighV1.subject;
    // A responder that speaks the framing but not the contract.
    const rogue = backbone.nc.subscribe(subject, {
      callback: (_error, msg) => {
        const { id } = msg.json<{ id: string }>();
        msg.respond(JSON.stringify({ id, response: { parcelId: 42 }, isDisposed: true }));
      },
    });
    await backbone.nc.flush();
    const sut = new RpcClient(backbone.nc, backbone.naming.prefix, 5_000, signer);

    const error = await sut.request(WeighV1, { actor: operator, kg: 1 }).catch((e: unknown) => e);

    rogue.unsubscribe();
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe('internal');
    expect((error as RpcError).message).toContain('parcelId');
  });

  it('should send the command id and the correlation id as headers', async () => {
    const subject = backbone.naming.prefix + WeighV1.subject;
    const seen: (string | undefined)[][] = [];
    const echo = backbone.nc.subscribe(subject, {
      callback: (_error, msg) => {
        seen.push([
          msg.headers?.get(RPC_HEADERS.commandId),
          msg.headers?.get(RPC_HEADERS.correlationId),
        ]);
        const { id } = msg.json<{ id: string }>();
        msg.respond(
          JSON.stringify({
            id,
            response: { parcelId: randomUUID(), correlationId: 'x' },
            isDisposed: true,
          }),
        );
      },
    });
    await backbone.nc.flush();
    const sut = new RpcClient(backbone.nc, backbone.naming.prefix, 5_000, signer);
    const commandId = randomUUID();
    const correlationId = randomUUID();

    await sut.request(WeighV1, { actor: operator, kg: 1 }, { commandId, correlationId });

    echo.unsubscribe();
    expect(seen).toEqual([[commandId, correlationId]]);
  });
});
