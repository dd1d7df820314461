import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db, type NeedStatus, type NeedTable } from '../database/schema.js';

export interface NewBeneficiary {
  ref: string;
  userId: string | null;
  organisationId: string | null;
  registeredBy: string;
  sealed: Buffer | null;
  keyId: string | null;
}

export interface Beneficiary {
  ref: string;
  userId: string | null;
  organisationId: string | null;
  sealed: Buffer | null;
  keyId: string | null;
  erasedAt: string | null;
}

export type NewNeed = Omit<
  Selectable<NeedTable>,
  | 'seq'
  | 'status'
  | 'social_priority'
  | 'registered_at'
  | 'registered_ms'
  | 'material_query'
  | 'closed_at'
  | 'constraints'
> & { constraints: Record<string, unknown> };

/** A need with what is needed to decide who reaches it and to show it. */
export type NeedRow = Selectable<NeedTable> & {
  beneficiary_user_id: string | null;
  beneficiary_sealed: Buffer | null;
  beneficiary_key_id: string | null;
};

export interface NeedScope {
  /** Null for the whole cluster. */
  organisationId: string | null;
  /** A beneficiary's own account: their needs only. */
  userId: string | null;
}

/** Beneficiaries and needs; the sealed columns are written and read here as they are. */
@Injectable()
export class NeedsRepository {
  async insertBeneficiary(em: EntityManager, b: NewBeneficiary): Promise<void> {
    await db(em)
      .insertInto('beneficiary')
      .values({
        ref: b.ref,
        user_id: b.userId,
        organisation_id: b.organisationId,
        registered_by: b.registeredBy,
        sealed: b.sealed,
        key_id: b.keyId,
      })
      .execute();
  }

  async beneficiary(
    em: EntityManager,
    by: { ref: string } | { userId: string },
    forUpdate = false,
  ): Promise<Beneficiary | undefined> {
    let query = db(em)
      .selectFrom('beneficiary')
      .select(['ref', 'user_id', 'organisation_id', 'sealed', 'key_id', 'erased_at']);
    query = 'ref' in by ? query.where('ref', '=', by.ref) : query.where('user_id', '=', by.userId);
    const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst();
    return (
      row && {
        ref: row.ref,
        userId: row.user_id,
        organisationId: row.organisation_id,
        sealed: row.sealed,
        keyId: row.key_id,
        erasedAt: row.erased_at,
      }
    );
  }

  async insertNeed(em: EntityManager, need: NewNeed): Promise<void> {
    await db(em)
      .insertInto('need')
      .values({ ...need, constraints: JSON.stringify(need.constraints) })
      .execute();
  }

  private needs(em: EntityManager) {
    return db(em)
      .selectFrom('need as n')
      .leftJoin('beneficiary as b', 'b.ref', 'n.beneficiary_ref')
      .selectAll('n')
      .select([
        'b.user_id as beneficiary_user_id',
        'b.sealed as beneficiary_sealed',
        'b.key_id as beneficiary_key_id',
      ]);
  }

  async need(em: EntityManager, id: string, forUpdate = false): Promise<NeedRow | undefined> {
    const query = this.needs(em).where('n.id', '=', id);
    return (forUpdate ? query.forUpdate('n') : query).executeTakeFirst();
  }

  /** Oldest first, after the need registered `afterSeq`th. */
  async list(
    em: EntityManager,
    scope: NeedScope,
    filters: { kind?: string; status?: string; beneficiaryRef?: string },
    afterSeq: string | undefined,
    limit: number,
  ): Promise<NeedRow[]> {
    let query = this.needs(em);
    if (scope.userId !== null) query = query.where('b.user_id', '=', scope.userId);
    else if (scope.organisationId !== null)
      query = query.where('n.organisation_id', '=', scope.organisationId);
    if (filters.kind) query = query.where('n.kind', '=', filters.kind as NeedRow['kind']);
    if (filters.status) query = query.where('n.status', '=', filters.status as NeedStatus);
    if (filters.beneficiaryRef)
      query = query.where('n.beneficiary_ref', '=', filters.beneficiaryRef);
    if (afterSeq !== undefined) query = query.where('n.seq', '>', afterSeq);
    return query.orderBy('n.seq').limit(limit).execute();
  }

  async close(em: EntityManager, id: string, status: Exclude<NeedStatus, 'open'>) {
    await db(em)
      .updateTable('need')
      .set({ status, closed_at: sql<string>`clock_timestamp()` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Erasure: the beneficiary's sealed data and account link, and every one of their needs'
   * sealed data, gone. The place a need was searched from is coarsened to about ten
   * kilometres: with the ISO class and the dates, a kilometre could still point at a house.
   * Answers the needs touched, with the ids of those still open.
   */
  async erase(
    em: EntityManager,
    ref: string,
  ): Promise<{ needs: number; ids: string[]; open: string[]; at: string }> {
    const erased = await db(em)
      .updateTable('beneficiary')
      .set({ sealed: null, key_id: null, user_id: null, erased_at: sql<string>`clock_timestamp()` })
      .where('ref', '=', ref)
      .returning('erased_at')
      .executeTakeFirstOrThrow();
    const needs = await db(em)
      .updateTable('need')
      .set({
        sealed: null,
        key_id: null,
        search_latitude: sql<number>`round(search_latitude::numeric, 1)::float8`,
        search_longitude: sql<number>`round(search_longitude::numeric, 1)::float8`,
      })
      .where('beneficiary_ref', '=', ref)
      .returning(['id', 'status'])
      .execute();
    return {
      needs: needs.length,
      ids: needs.map((n) => n.id),
      open: needs.filter((n) => n.status === 'open').map((n) => n.id),
      at: erased.erased_at!,
    };
  }

  /** Rows sealed with another key than `keyId`, locked, skipping those another re-seal holds. */
  async sealedWithOther(
    em: EntityManager,
    table: 'beneficiary' | 'need',
    keyId: string,
    limit: number,
  ): Promise<{ id: string; sealed: Buffer; keyId: string }[]> {
    const { rows } = await sql<{ id: string; sealed: Buffer; key_id: string }>`
      SELECT ${sql.ref(table === 'beneficiary' ? 'ref' : 'id')}::text AS id, sealed, key_id
        FROM ${sql.table(table)}
       WHERE sealed IS NOT NULL AND key_id <> ${keyId}
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED`.execute(db(em));
    return rows.map((r) => ({ id: r.id, sealed: r.sealed, keyId: r.key_id }));
  }

  async reseal(
    em: EntityManager,
    table: 'beneficiary' | 'need',
    id: string,
    sealed: Buffer,
    keyId: string,
  ): Promise<void> {
    await sql`UPDATE ${sql.table(table)} SET sealed = ${sealed}, key_id = ${keyId}
               WHERE ${sql.ref(table === 'beneficiary' ? 'ref' : 'id')}::text = ${id}`.execute(
      db(em),
    );
  }
}
