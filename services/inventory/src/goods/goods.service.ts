import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { Actor, GetGoodV1, MoveGoodV1, RecallV1 } from '@boucle/contracts';
import { inTransaction } from '@boucle/messaging';
import { MikroORM } from '@boucle/database';
import { assertActsFor, assertRole, memberScope } from '../common/actor.js';
import { validation } from '../common/errors.js';
import { SitesService } from '../sites/sites.service.js';
import { assertWholeIfCounted, describeGood, loadBalances, loadGood } from './good.js';
import { assertPlainMove, isState } from './lifecycle.js';
import { normalise, StockService } from './stock.service.js';

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
    private readonly stock: StockService,
    private readonly sites: SitesService,
  ) {}

  /** A plain move along the lifecycle; gates and holds have commands of their own. */
  async move(cmd: z.output<typeof MoveGoodV1>): Promise<{ movementId: string }> {
    return inTransaction(this.orm, async (em) => {
      // Every path locks the good before its balances: one lock order, no deadlock.
      const good = await loadGood(em, cmd.goodId, true);
      assertActsFor(cmd.actor, good.organisation_id, `good ${good.id}`);
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
      assertPlainMove(good.kind, cmd.fromState, cmd.toState, describeGood(good));
      const balances = await loadBalances(em, good.id);
      const source = balances.find((b) => b.state === cmd.fromState);
      if (!source) {
        throw validation('fromState', `nothing of good ${good.id} is ${cmd.fromState}`);
      }
      const toLocationId = cmd.toLocationId ?? source.location_id;
      if (cmd.toLocationId) {
        const owner = await this.sites.locationOwner(em, cmd.toLocationId);
        assertActsFor(cmd.actor, owner.organisationId, `location ${cmd.toLocationId}`);
      }
      const movementId = await this.stock.move(em, {
        good,
        quantity: cmd.quantity,
        from: { state: cmd.fromState, locationId: source.location_id },
        to: { state: cmd.toState, locationId: toLocationId },
        reason: cmd.reason,
        actor: cmd.actor,
        cause: { type: 'command', id: randomUUID() },
      });
      return { movementId };
    });
  }

  async get(query: z.output<typeof GetGoodV1>) {
    const em = this.orm.em.fork();
    const good = await loadGood(em, query.goodId);
    assertActsFor(query.actor, good.organisation_id, `good ${good.id}`);
    const balances = await loadBalances(em, good.id);
    const holds = await em.execute<
      { id: string; quantity: string; holder_id: string; expires_at: Date }[]
    >(
      `SELECT id, quantity::text AS quantity, holder_id, expires_at FROM hold
        WHERE good_id = ? AND status = 'active' ORDER BY created_at`,
      [good.id],
    );
    return {
      id: good.id,
      kind: good.kind,
      organisationId: good.organisation_id,
      siteId: good.site_id,
      state: good.state,
      unit: good.unit,
      description: good.description,
      serialNumber: good.serial_number,
      make: good.make,
      model: good.model,
      donorId: good.donor_id,
      refurbishmentCycle: good.refurbishment_cycle,
      balances: balances.map((b) => ({
        state: b.state,
        locationId: b.location_id,
        quantity: normalise(b.quantity),
      })),
      activeHolds: holds.map((h) => ({
        holdId: h.id,
        quantity: normalise(h.quantity),
        holderId: h.holder_id,
        expiresAt: new Date(h.expires_at).toISOString(),
      })),
    };
  }

  /** Every movement of the good in order, with who did it: its traceable history. */
  async passport(query: z.output<typeof GetGoodV1>) {
    const em = this.orm.em.fork();
    const good = await loadGood(em, query.goodId);
    assertActsFor(query.actor, good.organisation_id, `good ${good.id}`);
    const movements = await em.execute<
      {
        id: string;
        occurred_at: Date;
        quantity: string;
        from_state: string | null;
        from_location_id: string | null;
        to_state: string | null;
        to_location_id: string | null;
        reason: string;
        actor: Actor;
        hold_id: string | null;
      }[]
    >(
      `SELECT id::text AS id, occurred_at, quantity::text AS quantity, from_state, from_location_id, to_state,
              to_location_id, reason, actor, hold_id
         FROM stock_movement WHERE good_id = ? ORDER BY id`,
      [good.id],
    );
    const refurbishment = await em.execute<
      {
        cycle: number;
        gate: string;
        data: Record<string, unknown>;
        actor: Actor;
        recorded_at: Date;
      }[]
    >(
      'SELECT cycle, gate, data, actor, recorded_at FROM refurbishment_record WHERE good_id = ? ORDER BY id',
      [good.id],
    );
    const entries: PassportEntry[] = movements.map((m) => ({
      movementId: m.id,
      at: new Date(m.occurred_at).toISOString(),
      quantity: normalise(m.quantity),
      from: m.from_state ? { state: m.from_state, locationId: m.from_location_id! } : null,
      to: m.to_state ? { state: m.to_state, locationId: m.to_location_id! } : null,
      reason: m.reason,
      actor: m.actor,
      holdId: m.hold_id,
    }));
    return {
      goodId: good.id,
      kind: good.kind,
      make: good.make,
      model: good.model,
      serialNumber: good.serial_number,
      donorId: good.donor_id,
      movements: entries,
      refurbishment: refurbishment.map((r) => ({
        cycle: r.cycle,
        gate: r.gate,
        data: r.data,
        actor: r.actor,
        at: new Date(r.recorded_at).toISOString(),
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
    const params: unknown[] = [query.make, query.model];
    let range = '';
    if (member) {
      range += ' AND g.organisation_id::text = ?';
      params.push(member);
    }
    if (query.serialFrom) {
      range += ' AND g.serial_number >= ?';
      params.push(query.serialFrom);
    }
    if (query.serialTo) {
      range += ' AND g.serial_number <= ?';
      params.push(query.serialTo);
    }
    const rows = await this.orm.em.fork().execute<
      {
        id: string;
        serial_number: string;
        state: string;
        organisation_id: string;
        location_id: string | null;
        site_id: string | null;
        holder: string | null;
      }[]
    >(
      `SELECT g.id, g.serial_number, g.state, g.organisation_id, b.location_id, l.site_id,
              CASE WHEN g.state IN ('held', 'handed-over') THEN
                (SELECT COALESCE(h.handed_to, h.holder_id) FROM hold h
                  WHERE h.good_id = g.id AND h.status IN ('active', 'handed-over')
                  ORDER BY h.created_at DESC LIMIT 1)
              END AS holder
         FROM good g
         LEFT JOIN stock_balance b ON b.good_id = g.id AND b.quantity > 0
         LEFT JOIN location l ON l.id = b.location_id
        WHERE g.kind = 'item' AND g.make = ? AND g.model = ?${range}
        ORDER BY g.serial_number`,
      params,
    );
    return {
      make: query.make,
      model: query.model,
      units: rows.map((r) => ({
        goodId: r.id,
        serialNumber: r.serial_number,
        state: r.state,
        organisationId: r.organisation_id,
        siteId: r.site_id,
        locationId: r.location_id,
        holder: r.holder,
      })),
    };
  }
}
