import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  InventoryRecallIssuedV1,
  InventoryRecallLiftedV1,
  type Actor,
  type GetGoodV1,
  type ListGoodsV1,
  type IssueRecallV1,
  type LiftRecallV1,
  type MoveGoodV1,
  type RecallV1,
} from '@boucle/contracts';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { MikroORM } from '@boucle/database';
import { assertActsFor, assertRole, memberScope } from '../common/actor.js';
import { notFound, Refusal, validation } from '../common/errors.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService, normalise } from '../ledger/ledger.service.js';
import { SitesService } from '../sites/sites.service.js';
import { assertWholeIfCounted, describeGood } from './good.js';
import { GoodsRepository } from './goods.repository.js';
import { assertPlainMove, isState } from './lifecycle.js';

export interface PassportEntry {
  movementId: string;
  at: string;
  quantity: string;
  from: { state: string; locationId: string } | null;
  to: { state: string; locationId: string } | null;
  reason: string;
  actor: Actor;
  holdId: string | null;
}

/** What a good is, where its stock is, and its full history. */
@Injectable()
export class GoodsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledger: LedgerService,
    private readonly ledgerRepository: LedgerRepository,
    private readonly sites: SitesService,
  ) {}

  /** A plain move along the lifecycle; gates and holds have commands of their own. */
  async move(cmd: z.output<typeof MoveGoodV1>): Promise<{ movementId: string }> {
    return inTransaction(this.orm, async (em) => {
      // Every path locks the good before its balances: one lock order, no deadlock.
      const good = await this.goodsRepository.load(em, cmd.goodId, { forUpdate: true });
      assertActsFor(cmd.actor, good.organisationId, `good ${good.id}`);
      for (const [field, state] of [
        ['fromState', cmd.fromState],
        ['toState', cmd.toState],
      ] as const) {
        if (!isState(good.kind, state))
          throw validation(field, `"${state}" is not a state of a ${good.kind}`);
      }
      if (good.kind === 'item' && cmd.quantity !== '1')
        throw validation('quantity', 'an item moves as a whole: 1');
      assertWholeIfCounted(good, cmd.quantity);
      // Where its stock is first: a transition refused "from washed" would say the good is
      // washed when none of it is.
      const balances = await this.ledgerRepository.balances(em, good.id);
      const source = balances.find((b) => b.state === cmd.fromState);
      if (!source) {
        throw validation('fromState', `nothing of good ${good.id} is ${cmd.fromState}`);
      }
      assertPlainMove(good.kind, cmd.fromState, cmd.toState, describeGood(good));
      const toLocationId = cmd.toLocationId ?? source.locationId;
      if (cmd.toLocationId) {
        const owner = await this.sites.locationOwner(em, cmd.toLocationId);
        assertActsFor(cmd.actor, owner.organisationId, `location ${cmd.toLocationId}`);
      }
      const movementId = await this.ledger.move(em, {
        good,
        quantity: cmd.quantity,
        from: { state: cmd.fromState, locationId: source.locationId },
        to: { state: cmd.toState, locationId: toLocationId },
        // A code only: what the person wrote goes to the note, which can be erased.
        reason: cmd.reason,
        actor: cmd.actor,
        cause: { type: 'command', id: randomUUID() },
      });
      if (cmd.note)
        await this.goodsRepository.insertMovementNote(em, {
          movementId,
          note: cmd.note,
          actor: cmd.actor,
        });
      return { movementId };
    });
  }

  async list(query: z.output<typeof ListGoodsV1>) {
    const scope = memberScope(query.actor);
    // Another member's stock is answered as if that member did not exist.
    if (scope !== null && query.organisationId !== undefined && query.organisationId !== scope)
      throw notFound('organisation', query.organisationId);
    const organisationId = scope ?? query.organisationId ?? null;
    if (query.kind !== undefined && query.state !== undefined && !isState(query.kind, query.state))
      throw validation('state', `"${query.state}" is not a state of a ${query.kind}`);
    const em = this.orm.em.fork();
    const after = query.cursor === undefined ? undefined : goodOfCursor(query.cursor);
    if (after !== undefined && !(await this.goodsRepository.isVisible(em, after, organisationId)))
      throw validation('cursor', 'not a cursor this list gave');
    const rows = await this.goodsRepository.list(em, {
      organisationId,
      siteId: query.siteId,
      kind: query.kind,
      state: query.state,
      make: query.make,
      model: query.model,
      after,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const stock = await this.goodsRepository.stockByState(
      em,
      page.map((g) => g.id),
    );
    return {
      goods: page.map((good) => ({
        id: good.id,
        kind: good.kind,
        organisationId: good.organisationId,
        siteId: good.siteId,
        state: good.state,
        unit: good.unit,
        serialNumber: good.serialNumber,
        make: good.make,
        model: good.model,
        createdAt: new Date(good.createdAt).toISOString(),
        revision: good.revision,
        stock: (stock.get(good.id) ?? []).map((s) => ({ ...s, quantity: normalise(s.quantity) })),
      })),
      nextCursor: rows.length > query.limit ? cursorOf(page[page.length - 1]!.id) : null,
    };
  }

  async get(query: z.output<typeof GetGoodV1>) {
    const em = this.orm.em.fork();
    const good = await this.goodsRepository.load(em, query.goodId);
    assertActsFor(query.actor, good.organisationId, `good ${good.id}`);
    const balances = await this.ledgerRepository.balances(em, good.id);
    const holds = await this.goodsRepository.activeHolds(em, good.id);
    const recall = await this.goodsRepository.activeRecall(em, good);
    return {
      id: good.id,
      kind: good.kind,
      organisationId: good.organisationId,
      siteId: good.siteId,
      state: good.state,
      unit: good.unit,
      description: good.description,
      serialNumber: good.serialNumber,
      make: good.make,
      model: good.model,
      donorId: good.donorId,
      refurbishmentCycle: good.refurbishmentCycle,
      revision: good.revision,
      balances: balances.map((b) => ({ ...b, quantity: normalise(b.quantity) })),
      activeHolds: holds.map((h) => ({
        ...h,
        quantity: normalise(h.quantity),
        expiresAt: new Date(h.expiresAt).toISOString(),
      })),
      activeRecall: recall
        ? {
            recallId: recall.recallId,
            reason: recall.reason,
            serialFrom: recall.serialFrom,
            serialTo: recall.serialTo,
            issuedAt: new Date(recall.issuedAt).toISOString(),
          }
        : null,
    };
  }

  /** Every movement of the good in order, with who did it: its traceable history. */
  async passport(query: z.output<typeof GetGoodV1>) {
    const em = this.orm.em.fork();
    const good = await this.goodsRepository.load(em, query.goodId);
    assertActsFor(query.actor, good.organisationId, `good ${good.id}`);
    const movements = await this.ledgerRepository.history(em, good.id);
    const refurbishment = await this.goodsRepository.refurbishmentRecords(em, good.id);
    const entries: PassportEntry[] = movements.map(
      ({ movementId, occurredAt, quantity, ...m }) => ({
        movementId,
        at: new Date(occurredAt).toISOString(),
        quantity: normalise(quantity),
        ...m,
      }),
    );
    return {
      goodId: good.id,
      kind: good.kind,
      make: good.make,
      model: good.model,
      serialNumber: good.serialNumber,
      donorId: good.donorId,
      lifetimeStartsOn: good.lifetimeStartsOn,
      lifetimeBasis: good.lifetimeBasis,
      fitForUseUntil: good.fitForUseUntil,
      movements: entries,
      refurbishment: refurbishment.map(({ recordedAt, ...r }) => ({
        ...r,
        at: new Date(recordedAt).toISOString(),
      })),
    };
  }

  /**
   * Matériovigilance: every unit of a make and model (optionally a serial range)
   * across the whole cluster, with its state, where it is and who holds it.
   */
  async recall(query: z.output<typeof RecallV1>) {
    assertRole(query.actor, ['operator', 'refurbisher'], 'a recall');
    // Matériovigilance spans the cluster for the coordinator; a member sees its own units.
    const member = memberScope(query.actor);
    const units = await this.goodsRepository.recall(this.orm.em.fork(), {
      make: query.make,
      model: query.model,
      organisationId: member,
      serialFrom: query.serialFrom,
      serialTo: query.serialTo,
    });
    return { make: query.make, model: query.model, units };
  }

  /**
   * Flags a make and model (optionally a serial range) as recalled: its units are then
   * neither held nor handed over until it is lifted. The coordinator's recall covers the
   * whole cluster; a member's covers its own units only.
   */
  async issueRecall(
    cmd: z.output<typeof IssueRecallV1>,
  ): Promise<{ recallId: string; issuedAt: string }> {
    assertRole(cmd.actor, ['operator', 'refurbisher'], 'a recall');
    const organisationId = memberScope(cmd.actor);
    return inTransaction(this.orm, async (em) => {
      const recall = {
        id: randomUUID(),
        make: cmd.make,
        model: cmd.model,
        serialFrom: cmd.serialFrom ?? null,
        serialTo: cmd.serialTo ?? null,
        organisationId,
        reason: cmd.reason,
        actor: cmd.actor,
      };
      const { issuedAt } = await this.goodsRepository.insertRecall(em, recall);
      await this.goodsRepository.reviseRecalled(em, recall);
      await recordEvent(
        em,
        InventoryRecallIssuedV1,
        {
          recallId: recall.id,
          make: recall.make,
          model: recall.model,
          serialFrom: recall.serialFrom,
          serialTo: recall.serialTo,
          organisationId,
        },
        { actor: cmd.actor },
      );
      return { recallId: recall.id, issuedAt: new Date(issuedAt).toISOString() };
    });
  }

  /** Lifted by whoever may issue it: the coordinator, or the member whose recall it is. */
  async liftRecall(
    cmd: z.output<typeof LiftRecallV1>,
  ): Promise<{ recallId: string; liftedAt: string }> {
    assertRole(cmd.actor, ['operator', 'refurbisher'], 'a recall');
    return inTransaction(this.orm, async (em) => {
      const recall = await this.goodsRepository.lockRecall(em, cmd.recallId);
      // A cluster-wide recall is the coordinator's; another member's is answered as missing.
      if (recall.organisationId === null) {
        if (memberScope(cmd.actor) !== null) throw notFound('recall', recall.id);
      } else {
        assertActsFor(cmd.actor, recall.organisationId, `recall ${recall.id}`);
      }
      if (recall.liftedAt) {
        throw new Refusal(
          'invalid-transition',
          `recall ${recall.id} was lifted on ${new Date(recall.liftedAt).toISOString()}`,
          { currentState: 'lifted', allowedStates: [] },
        );
      }
      const { liftedAt } = await this.goodsRepository.liftRecall(em, recall.id, cmd.actor);
      await this.goodsRepository.reviseRecalled(em, recall);
      await recordEvent(
        em,
        InventoryRecallLiftedV1,
        { recallId: recall.id, make: recall.make, model: recall.model },
        { actor: cmd.actor },
      );
      return { recallId: recall.id, liftedAt: new Date(liftedAt).toISOString() };
    });
  }
}

/** A page's cursor is the last good it showed; opaque, so that paging may change underneath. */
function cursorOf(goodId: string): string {
  return Buffer.from(goodId, 'utf8').toString('base64url');
}

function goodOfCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
    throw validation('cursor', 'not a cursor this list gave');
  return id;
}
