import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM as CoreMikroORM } from '@mikro-orm/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { EventEnvelope } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { eventually, testEnvironment } from '@boucle/testing';
import { MessagingModule, MessagingRuntime, OnEvent } from '../src/index.js';
import {
  applyEffect,
  createBackbone,
  effectCounts,
  ParcelWeighedV1,
  pendingOutbox,
  weighParcels,
  type Backbone,
} from './harness.js';

@Injectable()
class ParcelEffects {
  readonly contexts = new Set<EntityManager>();

  @OnEvent(ParcelWeighedV1, { consumer: 'test.nest-effects', concurrency: 4, ackWaitMs: 1_000 })
  async onWeighed(event: EventEnvelope<{ seq: number }>, em: EntityManager): Promise<void> {
    this.contexts.add(em);
    await applyEffect(event, em);
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
      providers: [ParcelEffects, { provide: CoreMikroORM, useValue: backbone.orm }],
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
      await weighParcels(backbone.orm, 100);
      await eventually(async () =>
        expect((await effectCounts(backbone.orm)).rows).toBeGreaterThan(0),
      );

      await app.close();
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
