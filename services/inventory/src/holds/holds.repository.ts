import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type HoldStatus } from '../database/schema.js';

export interface Hold {
  id: string;
  goodId: string;
  fromState: string;
  locationId: string;
  quantity: string;
  holderId: string;
  reservationId: string | null;
  /** As PostgreSQL writes it: parse it, never compare it as text. */
  expiresAt: string;
  status: HoldStatus;
  /** Whether the hold's expiry has passed by the database's clock. */
  due: boolean;
}

export interface NewHold extends Omit<Hold, 'expiresAt' | 'status' | 'due'> {
  ttlSeconds: number;
  actor: Actor;
}

/** Holds on stock: placed, then ended once. */
@Injectable()
export class HoldsRepository {
  /** Places the hold, expiring `ttlSeconds` from now by the database's clock; returns its expiry in ms, rounded up. */
  async insert(em: EntityManager, hold: NewHold): Promise<number> {
    const row = await db(em)
      .insertInto('hold')
      .values({
        id: hold.id,
        good_id: hold.goodId,
        from_state: hold.fromState,
        location_id: hold.locationId,
        quantity: hold.quantity,
        holder_id: hold.holderId,
        reservation_id: hold.reservationId,
        expires_at: sql<string>`clock_timestamp() + ${hold.ttlSeconds} * interval '1 second'`,
        status: 'active',
        actor: JSON.stringify(hold.actor),
      })
      .returning(
        sql<string>`ceil(extract(epoch FROM expires_at) * 1000)::bigint::text`.as('expiresMs'),
      )
      .executeTakeFirstOrThrow();
    return Number(row.expiresMs);
  }

  /** Which good a hold is on, without locking anything: to lock that good first. */
  async goodOf(em: EntityManager, id: string): Promise<string | undefined> {
    const row = await db(em)
      .selectFrom('hold')
      .select('good_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.good_id;
  }

  /** The hold placed for a reservation of matching's, if inventory placed one. */
  async ofReservation(em: EntityManager, reservationId: string): Promise<string | undefined> {
    const row = await db(em)
      .selectFrom('hold')
      .select('id')
      .where('reservation_id', '=', reservationId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row?.id;
  }

  /** Loads the hold and locks it, so that it ends once. */
  async lock(em: EntityManager, id: string): Promise<Hold | undefined> {
    const row = await db(em)
      .selectFrom('hold')
      .select((eb) => [
        'id',
        'good_id',
        'from_state',
        'location_id',
        'quantity',
        'holder_id',
        'reservation_id',
        'expires_at',
        'status',
        eb('expires_at', '<=', sql<string>`clock_timestamp()`)
          .$castTo<boolean>()
          .as('due'),
      ])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        goodId: row.good_id,
        fromState: row.from_state,
        locationId: row.location_id,
        quantity: row.quantity,
        holderId: row.holder_id,
        reservationId: row.reservation_id,
        expiresAt: row.expires_at,
        status: row.status,
        due: row.due,
      }
    );
  }

  async end(
    em: EntityManager,
    id: string,
    end: { status: 'released' | 'handed-over'; reason: string; handedTo: string | null },
  ): Promise<void> {
    await db(em)
      .updateTable('hold')
      .set({
        status: end.status,
        end_reason: end.reason,
        handed_to: end.handedTo,
        ended_at: sql<string>`clock_timestamp()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The good's active holds, oldest first; only those held from `fromState` when given. */
  async activeIds(em: EntityManager, goodId: string, fromState?: string): Promise<string[]> {
    const rows = await db(em)
      .selectFrom('hold')
      .select('id')
      .where('good_id', '=', goodId)
      .where('status', '=', 'active')
      .$if(fromState !== undefined, (q) => q.where('from_state', '=', fromState!))
      .orderBy('created_at')
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Brings forward to `until` the expiry of the good's active holds that would outlive it;
   * returns them with their new expiry in ms, rounded up like `insert`'s.
   */
  async capExpiry(
    em: EntityManager,
    goodId: string,
    until: string,
  ): Promise<{ id: string; reservationId: string | null; expiresMs: number }[]> {
    const rows = await db(em)
      .updateTable('hold')
      .set({ expires_at: until })
      .where('good_id', '=', goodId)
      .where('status', '=', 'active')
      .where('expires_at', '>', until)
      .returning([
        'id',
        'reservation_id',
        sql<string>`ceil(extract(epoch FROM expires_at) * 1000)::bigint::text`.as('expiresMs'),
      ])
      .execute();
    return rows.map((r) => ({
      id: r.id,
      reservationId: r.reservation_id,
      expiresMs: Number(r.expiresMs),
    }));
  }

  /** Active holds past their expiry, the longest overdue first. */
  async overdue(em: EntityManager, limit: number): Promise<string[]> {
    const rows = await db(em)
      .selectFrom('hold')
      .select('id')
      .where('status', '=', 'active')
      .where('expires_at', '<=', sql<string>`clock_timestamp()`)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
}
