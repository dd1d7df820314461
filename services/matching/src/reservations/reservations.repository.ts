import { Injectable } from '@nestjs/common';
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { lockFor, lockGoodLine } from '../common/locks.js';
import {
  db,
  type MatchingDatabase,
  type ReservationStatus,
  type ReservationTable,
} from '../database/schema.js';

export type Reservation = Selectable<ReservationTable>;

/** The states in which a reservation is asked of inventory or holds stock: the caps count them. */
export const LIVE: readonly ReservationStatus[] = ['requested', 'held', 'confirmed'];
/** …and with the waiting list, every state that is not an end. */
export const AWAITING: readonly ReservationStatus[] = [...LIVE, 'waiting'];

export interface GoodOnOffer {
  kind: 'item' | 'lot';
  unit: string;
  available: string;
  listed: boolean;
  open: boolean;
  organisation_id: string | null;
}

/** Who sees which reservations in a list. */
export type ReservationScope =
  | { kind: 'cluster' }
  /** A beneficiary: the reservations of their own needs. */
  | { kind: 'user'; userId: string }
  /** A member's people: their needs' reservations, and those of their goods. */
  | { kind: 'organisation'; organisationId: string };

/** Reservations, and what the catalogue says of the good asked for. */
@Injectable()
export class ReservationsRepository {
  async goodOnOffer(em: EntityManager, goodId: string): Promise<GoodOnOffer | undefined> {
    const { rows } = await sql<GoodOnOffer>`
      SELECT kind, unit, available_quantity::text AS available, listed, organisation_id,
             (must_be_gone_by IS NULL OR must_be_gone_by > now()) AS open
        FROM catalogue_good
       WHERE good_id = ${goodId} AND described_at IS NOT NULL`.execute(db(em));
    return rows[0];
  }

  /** The member the good is with now (else the one that offered it): its staff approve. */
  async goodOrganisation(em: EntityManager, goodId: string): Promise<string | null> {
    const row = await db(em)
      .selectFrom('catalogue_good')
      .select(['organisation_id', 'offered_organisation_id'])
      .where('good_id', '=', goodId)
      .executeTakeFirst();
    return row?.organisation_id ?? row?.offered_organisation_id ?? null;
  }

  async insert(
    em: EntityManager,
    r: Pick<
      Reservation,
      | 'id'
      | 'need_id'
      | 'good_id'
      | 'holder_ref'
      | 'organisation_id'
      | 'quantity'
      | 'unit'
      | 'requested_by'
      | 'approval_required'
      | 'offered'
      | 'wait_if_taken'
    > &
      Partial<Pick<Reservation, 'status' | 'wait_key'>>,
  ): Promise<Reservation> {
    if (r.status === 'waiting')
      return db(em)
        .insertInto('reservation')
        .values({ ...r, waiting_since: sql<string>`clock_timestamp()` })
        .returningAll()
        .executeTakeFirstOrThrow();
    return db(em).insertInto('reservation').values(r).returningAll().executeTakeFirstOrThrow();
  }

  async load(em: EntityManager, id: string, forUpdate = false): Promise<Reservation | undefined> {
    const query = db(em).selectFrom('reservation').selectAll().where('id', '=', id);
    return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  }

  /**
   * Serialises the reservations of one beneficiary or member while a cap is counted: two
   * requests at once would each count the other's absence. Transaction-scoped.
   */
  async lockHolder(em: EntityManager, key: string): Promise<void> {
    await lockFor(em, `reservations:${key}`);
  }

  /** The lock of a good's line, which the proposals take too: one offer at a time per good. */
  async lockLine(em: EntityManager, goodId: string): Promise<void> {
    await lockGoodLine(em, goodId);
  }

  async liveCount(em: EntityManager, by: { holderRef?: string; organisationId?: string }) {
    let query = db(em)
      .selectFrom('reservation')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', 'in', LIVE);
    if (by.holderRef !== undefined) query = query.where('holder_ref', '=', by.holderRef);
    if (by.organisationId !== undefined)
      query = query.where('organisation_id', '=', by.organisationId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** Moves a reservation on, answering it as it is now. */
  async set(
    em: EntityManager,
    id: string,
    change: Partial<
      Pick<
        Reservation,
        | 'status'
        | 'hold_id'
        | 'expires_at'
        | 'rejection_reason'
        | 'rejection_message'
        | 'end_reason'
        | 'decision'
        | 'decided_by'
        | 'decision_note'
        | 'offer_owed'
        | 'successor_id'
        | 'wait_key'
      >
    > & { decided?: true },
  ): Promise<Reservation> {
    const { decided, ...columns } = change;
    const ends = change.status !== undefined && !AWAITING.includes(change.status);
    return db(em)
      .updateTable('reservation')
      .set({
        ...columns,
        ...(decided && { decided_at: sql<string>`clock_timestamp()` }),
        // Asked of inventory again from the waiting list: its answer is awaited from now.
        ...(change.status === 'requested' && { requested_at: sql<string>`clock_timestamp()` }),
        ...(change.status === 'waiting' && {
          waiting_since: sql<string>`coalesce(waiting_since, clock_timestamp())`,
        }),
        ...(ends && { ended_at: sql<string>`clock_timestamp()` }),
        updated_at: sql<string>`clock_timestamp()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async rejected(em: EntityManager, id: string, reason: string, message: string): Promise<void> {
    await this.set(em, id, {
      status: 'rejected',
      rejection_reason: reason,
      rejection_message: message,
      end_reason: reason,
    });
  }

  /** The need's reservation of the good not ended yet, if any (there is one at most). */
  async awaitingOf(
    em: EntityManager,
    needId: string,
    goodId: string,
  ): Promise<Pick<Reservation, 'id' | 'status'> | undefined> {
    return db(em)
      .selectFrom('reservation')
      .select(['id', 'status'])
      .where('need_id', '=', needId)
      .where('good_id', '=', goodId)
      .where('status', 'in', AWAITING)
      .executeTakeFirst();
  }

  /** The reservations of a need not ended yet, locked: it closed, they end with it. */
  async liveOfNeed(em: EntityManager, needId: string): Promise<Reservation[]> {
    return db(em)
      .selectFrom('reservation')
      .selectAll()
      .where('need_id', '=', needId)
      .where('status', 'in', AWAITING)
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /** How much has been handed over for a need, in its unit. */
  async handedOver(em: EntityManager, needId: string): Promise<number> {
    const row = await db(em)
      .selectFrom('reservation')
      .select(sql<string>`coalesce(sum(quantity), 0)::text`.as('total'))
      .where('need_id', '=', needId)
      .where('status', '=', 'handed-over')
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  /** Reservations inventory has not answered since before `seconds` ago, oldest first. */
  async unanswered(em: EntityManager, seconds: number, limit: number): Promise<string[]> {
    const rows = await db(em)
      .selectFrom('reservation')
      .select('id')
      .where('status', '=', 'requested')
      .where(
        'requested_at',
        '<',
        sql<string>`clock_timestamp() - make_interval(secs => ${seconds})`,
      )
      .orderBy('requested_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Where a newcomer joins a good's waiting list: behind every place ever given on it, so
   * that someone asked again and put back finds nobody newer ahead. Under the line lock.
   */
  async backOfWaitingList(em: EntityManager, goodId: string): Promise<number> {
    const row = await db(em)
      .selectFrom('reservation')
      .select(sql<number>`coalesce(max(wait_key), 0) + 1`.as('key'))
      .where('good_id', '=', goodId)
      .where('wait_key', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.key);
  }

  /**
   * What is already promised of a good before a newcomer: someone waits for it, a
   * released hold still owes it to the next in line, or what matching asked for from its
   * list or line is not answered yet. Answers the quantity so promised (a debt counts as
   * everything).
   */
  async promised(em: EntityManager, goodId: string): Promise<number> {
    const { rows } = await sql<{ waiting: boolean; owed: boolean; asked: string }>`
      SELECT EXISTS (SELECT 1 FROM reservation WHERE good_id = ${goodId} AND status = 'waiting') AS waiting,
             EXISTS (SELECT 1 FROM reservation WHERE good_id = ${goodId} AND offer_owed) AS owed,
             coalesce((SELECT sum(quantity) FROM reservation
                        WHERE good_id = ${goodId} AND status = 'requested'
                          AND (offered OR waiting_since IS NOT NULL)), 0)::text AS asked`.execute(
      db(em),
    );
    const r = rows[0]!;
    return r.waiting || r.owed ? Number.POSITIVE_INFINITY : Number(r.asked);
  }

  /**
   * How much of a good matching has asked inventory for on its own (from the waiting list
   * or for the next in line) without an answer yet: still in the catalogue's count, but
   * not to be offered again.
   */
  async askedOf(em: EntityManager, goodId: string): Promise<number> {
    const row = await db(em)
      .selectFrom('reservation')
      .select(sql<string>`coalesce(sum(quantity), 0)::text`.as('asked'))
      .where('good_id', '=', goodId)
      .where('status', '=', 'requested')
      .where((eb) => eb.or([eb('offered', '=', true), eb('waiting_since', 'is not', null)]))
      .executeTakeFirstOrThrow();
    return Number(row.asked);
  }

  /** Erasure: the staff's words about the person, kept with their reservations, go too. */
  async forgetNotes(em: EntityManager, needIds: readonly string[]): Promise<void> {
    if (needIds.length === 0) return;
    await db(em)
      .updateTable('reservation')
      .set({ decision_note: null })
      .where('need_id', 'in', [...needIds])
      .where('decision_note', 'is not', null)
      .execute();
  }

  /** A good's waiting list, in order, locked. */
  async waitingFor(em: EntityManager, goodId: string): Promise<Reservation[]> {
    return db(em)
      .selectFrom('reservation')
      .selectAll()
      .where('good_id', '=', goodId)
      .where('status', '=', 'waiting')
      .orderBy('wait_key')
      .orderBy('seq')
      .forUpdate()
      .execute();
  }

  /**
   * What of a lot may still be offered: what the catalogue counts on offer, and what
   * matching's reservations hold of it (but the hold being let go), which comes back if
   * they end. A hold an operator placed in inventory directly is not known here. An aid is
   * one: once some of it left, none is (the catalogue may not have counted its hold yet).
   */
  async inCirculation(em: EntityManager, goodId: string, exceptHold?: string): Promise<number> {
    const { rows } = await sql<{ quantity: string }>`
      SELECT (g.available_quantity
            + coalesce((SELECT sum(r.quantity) FROM reservation r
                         WHERE r.good_id = g.good_id AND r.status IN ('held', 'confirmed')
                           AND r.hold_id IS DISTINCT FROM ${exceptHold ?? null}::uuid), 0))::text AS quantity
        FROM catalogue_good g
       WHERE g.good_id = ${goodId} AND g.kind = 'lot'`.execute(db(em));
    return Number(rows[0]?.quantity ?? 0);
  }

  /**
   * The good left, or too much of it for some: those asked again from its waiting list for
   * more than `left` have no place to go back to.
   */
  async offTheList(em: EntityManager, goodId: string, left: number): Promise<void> {
    await db(em)
      .updateTable('reservation')
      .set({ wait_if_taken: false, updated_at: sql<string>`clock_timestamp()` })
      .where('good_id', '=', goodId)
      .where('status', '=', 'requested')
      .where('wait_if_taken', '=', true)
      .where('quantity', '>', String(left))
      .execute();
  }

  /** 1 for the next on the good's waiting list; null off it. */
  async position(
    em: EntityManager,
    row: Pick<Reservation, 'good_id' | 'status' | 'wait_key' | 'seq'>,
  ): Promise<number | null> {
    if (row.status !== 'waiting' || row.wait_key === null) return null;
    const { rows } = await sql<{ ahead: string }>`
      SELECT count(*)::text AS ahead FROM reservation
       WHERE good_id = ${row.good_id} AND status = 'waiting'
         AND (wait_key, seq) < (${row.wait_key}::double precision, ${row.seq}::bigint)`.execute(
      db(em),
    );
    return Number(rows[0]!.ahead) + 1;
  }

  /**
   * A need's priority was raised: each of its waiting entries moves to just before the
   * first entry ahead of it whose need has a lower priority. Nobody else moves forward or
   * back but for that; a lowered priority keeps its place.
   */
  async raiseWaiting(em: EntityManager, needId: string, priority: number): Promise<void> {
    await sql`
      UPDATE reservation e SET wait_key = f.new_key, updated_at = clock_timestamp()
        FROM (
          SELECT w.id,
                 coalesce(
                   (SELECT (max(p.wait_key) + first.wait_key) / 2 FROM reservation p
                     WHERE p.good_id = w.good_id AND p.status = 'waiting' AND p.id <> w.id
                       AND p.wait_key < first.wait_key),
                   first.wait_key - 1) AS new_key
            FROM reservation w
            CROSS JOIN LATERAL (
              SELECT r.wait_key FROM reservation r JOIN need n ON n.id = r.need_id
               WHERE r.good_id = w.good_id AND r.status = 'waiting' AND r.id <> w.id
                 AND n.social_priority < ${priority} AND r.wait_key < w.wait_key
               ORDER BY r.wait_key, r.seq LIMIT 1) first
           WHERE w.need_id = ${needId} AND w.status = 'waiting'
        ) f
       WHERE e.id = f.id`.execute(db(em));
  }

  /** Waiting entries past the longest wait, or whose good must be gone by now. */
  async overdueWaiting(em: EntityManager, days: number, limit: number): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
      SELECT r.id FROM reservation r
        LEFT JOIN catalogue_good g ON g.good_id = r.good_id
       WHERE r.status = 'waiting'
         AND (r.waiting_since < clock_timestamp() - make_interval(days => ${days})
              OR g.must_be_gone_by < now())
       ORDER BY r.waiting_since
       LIMIT ${limit}`.execute(db(em));
    return rows.map((r) => r.id);
  }

  /** Ended reservations of a good whose hold came back to stock, oldest end first, locked. */
  async owed(em: EntityManager, goodId: string): Promise<Reservation[]> {
    return db(em)
      .selectFrom('reservation')
      .selectAll()
      .where('good_id', '=', goodId)
      .where('offer_owed', '=', true)
      .orderBy('ended_at')
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /**
   * The reservation paid with `successorId` (the next in line it was offered to) owes the
   * good again, that one having come to nothing before it held anything. Answers how many.
   */
  async oweAgain(em: EntityManager, goodId: string, successorId: string): Promise<number> {
    const rows = await db(em)
      .updateTable('reservation')
      .set({ offer_owed: true, successor_id: null, updated_at: sql<string>`clock_timestamp()` })
      // By the good first: its index finds the few reservations it ever had.
      .where('good_id', '=', goodId)
      .where('successor_id', '=', successorId)
      .returning('id')
      .execute();
    return rows.length;
  }

  /**
   * The needs of a good's line that may be offered it, in line order: still open, not
   * already served by this good nor having let it go, nor offered it by the line before
   * (only a request of its own that inventory refused does not count against a need).
   */
  async lineForOffer(em: EntityManager, goodId: string) {
    return db(em)
      .selectFrom('proposal as p')
      .innerJoin('need as n', 'n.id', 'p.need_id')
      .select(['n.id', 'n.kind', 'n.beneficiary_ref', 'n.organisation_id', 'n.quantity', 'n.unit'])
      .where('p.good_id', '=', goodId)
      .where('n.status', '=', 'open')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('reservation as r')
              .select('r.id')
              .whereRef('r.need_id', '=', 'n.id')
              .where('r.good_id', '=', goodId)
              .where((r) => r.or([r('r.status', '<>', 'rejected'), r('r.offered', '=', true)])),
          ),
        ),
      )
      .orderBy('p.rank')
      .execute();
  }

  /** Newest first, a page at a time after the reservation numbered `beforeSeq`. */
  async list(
    em: EntityManager,
    scope: ReservationScope,
    filters: {
      needId?: string;
      goodId?: string;
      status?: ReservationStatus;
      /** Awaiting a decision this person may take: of their member's goods (any if null). */
      decidableBy?: { userId: string; organisationId: string | null };
    },
    beforeSeq: string | undefined,
    limit: number,
  ): Promise<Reservation[]> {
    let query = db(em).selectFrom('reservation as r').selectAll('r');
    if (scope.kind === 'user') {
      query = query
        .innerJoin('need as n', 'n.id', 'r.need_id')
        .innerJoin('beneficiary as b', 'b.ref', 'n.beneficiary_ref')
        .where('b.user_id', '=', scope.userId);
    } else if (scope.kind === 'organisation') {
      const organisationId = scope.organisationId;
      query = query.where((eb) =>
        eb.or([eb('r.organisation_id', '=', organisationId), goodOf(eb, organisationId)]),
      );
    }
    if (filters.needId) query = query.where('r.need_id', '=', filters.needId);
    if (filters.goodId) query = query.where('r.good_id', '=', filters.goodId);
    if (filters.status) query = query.where('r.status', '=', filters.status);
    const decider = filters.decidableBy;
    if (decider) {
      query = query
        .where('r.status', '=', 'held')
        .where('r.approval_required', '=', true)
        .where('r.decision', 'is', null)
        .where('r.requested_by', '<>', decider.userId);
      if (decider.organisationId !== null) {
        const organisationId = decider.organisationId;
        query = query.where((eb) => goodOf(eb, organisationId));
      }
    }
    if (beforeSeq !== undefined) query = query.where('r.seq', '<', beforeSeq);
    return query.orderBy('r.seq', 'desc').limit(limit).execute();
  }
}

/** The reservation's good is with the member now (else was offered by it): its staff decide. */
function goodOf(
  eb: ExpressionBuilder<MatchingDatabase & { r: ReservationTable }, 'r'>,
  organisationId: string,
) {
  return eb.exists(
    eb
      .selectFrom('catalogue_good as g')
      .select('g.good_id')
      .whereRef('g.good_id', '=', 'r.good_id')
      .where((g) =>
        g.or([
          g('g.organisation_id', '=', organisationId),
          g.and([
            g('g.organisation_id', 'is', null),
            g('g.offered_organisation_id', '=', organisationId),
          ]),
        ]),
      ),
  );
}
