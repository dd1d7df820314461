import { sql } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';

/** The text whose hash names a lock of matching's own (`pg_advisory_xact_lock(hashtext(…))`). */
export const lockName = (name: string) => `matching.${name}`;

/** A lock for the rest of the transaction on a name of matching's own. */
export async function lockFor(em: EntityManager, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${lockName(name)}))`.execute(db(em));
}

/**
 * A good's line: whoever draws it (the catalogue, a new need, a priority) or offers the
 * good to it (the next in line, a waiting list) takes this, one at a time per good.
 */
export const lockGoodLine = (em: EntityManager, goodId: string) =>
  lockFor(em, goodLineLock(goodId));

export const goodLineLock = (goodId: string) => `proposals:${goodId}`;
