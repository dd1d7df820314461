import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { EventEnvelope } from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { eventually, testEnvironment } from '@boucle/testing';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineEvent } from '@boucle/contracts';
import {
  buildEnvelope,
  ensureProducerStream,
  MessagingModule,
  MessagingRuntime,
  OnEvent,
} from '../src/index.js';
import {
  actor,
  applyEffect,
  createBackbone,
  effectCounts,
  ParcelWeighedV1,
  pendingOutbox,
  weighParcels,
  type Backbone,
} from './harness.js';

/** Handler work that takes a while (not a wait for a condition: those poll with a deadline). */
const simulateWork = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Injectable()
class ParcelEffects {
  readonly contexts = new Set<EntityManager>();
  workMs = 0;
  started = 0;

  @OnEvent(ParcelWeighedV1, { consumer: 'test.nest-effects', concurrency: 4, ackWaitMs: 1_000 })
  async onWeighed(event: EventEnvelope<{ seq: number }>, em: EntityManager): Promise<void> {
    this.started++;
    this.contexts.add(em);
    await simulateWork(this.workMs);
    await applyEffect(event, em);
  }
}

/** A reservation from a service whose stream nobody has created yet. */
const ReservationRequestedV1 = defineEvent({
  producer: 'matching',
  aggregate: 'reservation',
  event: 'requested',
  version: 1,
  aggregateId: (data) => data.reservationId,
  description: 'test event',
  schema: z.strictObject({ reservationId: z.uuid() }),
  example: { reservationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10' },
});

@Injectable()
class ReservationEffects {
  @OnEvent(ReservationRequestedV1, { consumer: 'test.reservations' })
  async onRequested(event: EventEnvelope<unknown>, em: EntityManager): Promise<void> {
    await applyEffect({ ...event, data: { seq: 0 } }, em);
  }
}

describe(MessagingModule.name, () => {
  let backbone: Backbone;
  let app: INestApplicationContext;

  async function startApp(): Promise<INestApplicationContext> {
    @Module({
      imports: [
        MessagingModule.forRoot({
          producer: 'inventory',
          natsUrl: testEnvironment().natsUrl,
          databaseUrl: backbone.db.url,
          subjectPrefix: backbone.naming.prefix,
          relay: { pollIntervalMs: 200 },
        }),
      ],
      providers: [ParcelEffects, ReservationEffects, { provide: MikroORM, useValue: backbone.orm }],
    })
    class TestAppModule {}
    const context = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
    await context.init();
    return context;
  }

  beforeEach(async () => {
    backbone = await createBackbone();
    app = await startApp();
  });

  afterEach(async () => {
    await app?.close();
    await backbone.dispose();
  });

  describe('consumers', () => {
    it('should be ready and say a consumer waits for a stream nobody has created yet, then consume once it exists', async () => {
      const runtime = app.get(MessagingRuntime);
      await eventually(() => {
        expect(runtime.ready).toBe(true);
        expect(runtime.consumers).toEqual(
          expect.arrayContaining([
            { consumer: 'test.reservations', state: 'waiting-for-stream', held: 0 },
            { consumer: 'test.nest-effects', state: 'pulling', held: 0 },
          ]),
        );
      });

      await ensureProducerStream(backbone.jsm, backbone.naming, 'matching');
      await backbone.js.publish(
        backbone.naming.subject(ReservationRequestedV1),
        JSON.stringify(
          buildEnvelope(ReservationRequestedV1, { reservationId: randomUUID() }, { actor }),
        ),
      );

      await eventually(async () => expect((await effectCounts(backbone.orm)).rows).toBe(1), {
        timeoutMs: 30_000,
      });
      expect(runtime.consumers).toEqual(
        expect.arrayContaining([{ consumer: 'test.reservations', state: 'pulling', held: 0 }]),
      );
    });
  });

  describe('forRoot', () => {
    it('should relay committed events and run each @OnEvent handler once per event in a fresh context', async () => {
      const runtime = app.get(MessagingRuntime);
      await eventually(() => expect(runtime.ready).toBe(true));

      await weighParcels(backbone.orm, 200);

      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 200, distinct: 200 }),
      );
      expect(await pendingOutbox(backbone.orm)).toBe(0);
      const effects = app.get(ParcelEffects);
      expect(effects.contexts.size).toBe(200);
      expect(effects.contexts.has(backbone.orm.em)).toBe(false);
    });

    it('should finish the handlers in hand on shutdown and leave the rest to the next replica', async () => {
      await eventually(() => expect(app.get(MessagingRuntime).ready).toBe(true));
      const effects = app.get(ParcelEffects);
      effects.workMs = 100;
      await weighParcels(backbone.orm, 100);
      await eventually(() => expect(effects.started).toBeGreaterThan(4));

      await app.close();

      // Every handler that had started committed before close returned: none was cut off.
      const applied = (await effectCounts(backbone.orm)).rows;
      expect(applied).toBe(effects.started);
      expect(applied).toBeLessThan(100);
      const next = await startApp();
      try {
        await eventually(async () =>
          expect(await effectCounts(backbone.orm)).toEqual({ rows: 100, distinct: 100 }),
        );
      } finally {
        await next.close();
      }
    });
  });
});
