import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager, MikroORM } from '@boucle/database';

/**
 * How a relay hears of new outbox rows written by its own process: the transaction
 * that recorded them wakes it once it has committed, instead of a NOTIFY.
 *
 * A NOTIFY is cheap to send but not to commit: PostgreSQL takes one lock for every
 * committing transaction that notifies, and holds it until the commit is flushed, so
 * that notifications queue in commit order. Commands that record events then commit
 * one after another, each waiting for its own WAL flush, instead of sharing one: the
 * lock was where commands spent most of their time under load. Rows written elsewhere
 * (a tool, an operator's SQL, a process without a relay) still notify, and the relay's
 * timed poll backs up both.
 */

/** Per ORM (its configuration, shared by all its forks): the relays publishing from its database. */
const relaysByOrm = new WeakMap<object, Set<() => void>>();

interface CommitScope {
  /** The relays to wake once the transaction has committed, set by the first event recorded. */
  wakes?: Set<() => void>;
  /** Its transaction ended: work it left running (a timer) records in transactions of its own. */
  over?: boolean;
}

const scopes = new AsyncLocalStorage<CommitScope>();

/** A relay running in this process for `orm`'s database; returns how to unbind it. */
export function bindLocalRelay(orm: MikroORM, wake: () => void): () => void {
  const key = orm.config;
  let wakes = relaysByOrm.get(key);
  if (!wakes) relaysByOrm.set(key, (wakes = new Set()));
  wakes.add(wake);
  return () => wakes.delete(wake);
}

/**
 * Runs a transaction of its own (`run` begins and commits it), after whose commit the
 * relays of this process are woken if it recorded events for them. Every caller opens a
 * new transaction here, never one inside another's: a scope found around it belongs to
 * another transaction (a group commit's lane started from a handler) and is not its own.
 */
export async function committing<T>(run: () => Promise<T>): Promise<T> {
  const scope: CommitScope = {};
  try {
    const result = await scopes.run(scope, run);
    scope.wakes?.forEach((wake) => wake());
    return result;
  } finally {
    scope.over = true;
  }
}

/**
 * Called as an event is recorded: true if a relay of this process will be woken at the
 * commit, so the row needs no NOTIFY. False outside `committing`, or when no relay here
 * publishes from this database.
 */
export function wokenLocally(em: EntityManager): boolean {
  const scope = scopes.getStore();
  if (!scope || scope.over) return false;
  const wakes = relaysByOrm.get(em.config);
  if (!wakes || wakes.size === 0) return false;
  scope.wakes = wakes;
  return true;
}
