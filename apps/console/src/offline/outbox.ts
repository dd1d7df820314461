import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Problem } from '../api/problem';

/**
 * What a person recorded without network, kept on the device (IndexedDB) until the
 * gateway has it. Each entry keeps the Idempotency-Key it was first given, and is sent
 * with it however many times it takes: the gateway answers a key it has seen with its
 * first answer and acts once, so an entry whose answer was lost on the way is never
 * recorded twice. Entries are sent only for the person who made them (the gateway's
 * keys are per person), after they sign in again if need be.
 *
 * Intakes at a counter; a driver's start of a round and each stop recorded on the road,
 * collected (with the photos and signature kept beside it) or missed.
 */
export type OutboxKind = 'intake' | 'round-start' | 'stop-collected' | 'stop-missed';

/**
 * A file a record refers to, kept on the device with it: a stop's photo or signature.
 * The API takes their references only (no route receives the images), so the device keeps
 * them, by the reference sent, until the person clears the entry.
 */
export interface Attachment {
  ref: string;
  role: 'photo' | 'signature';
  blob: Blob;
}

export interface OutboxEntry {
  /** The Idempotency-Key, also the entry's key on the device. */
  key: string;
  kind: OutboxKind;
  userId: string;
  body: unknown;
  /** A driver's entry: the round, and the stop's pickup, that the path names. */
  about?: { roundId: string; pickupId?: string };
  attachments?: Attachment[];
  savedAt: string;
  attempts: number;
  /**
   * `refused`: the gateway answered a problem; the person corrects it or drops it.
   * `sent`: the gateway took it; kept with its answer (the goods' ids, for their labels)
   * until the person clears it.
   */
  status: 'pending' | 'refused' | 'sent';
  problem?: Problem;
  result?: unknown;
}

/** What sending one entry came to. */
export type SendOutcome =
  | { kind: 'sent'; result: unknown }
  | { kind: 'refused'; problem: Problem }
  /** No answer (network, a gateway or service failure): tried again later, same key. */
  | { kind: 'retry' }
  /** The person's session ended: waits for them to sign in again. */
  | { kind: 'signed-out' };

const DATABASE = 'boucle';
const STORE = 'outbox';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: 'key' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB refused to open'));
  });
}

let database: Promise<IDBDatabase> | undefined;

async function transact<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  database ??= open();
  const db = await database;
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    // Resolved once the transaction is durable, not when the request succeeds.
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

// Other tabs of the console share the device's outbox: they hear of every change.
const channel =
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('boucle.outbox');
const listeners = new Set<() => void>();
let snapshot: readonly OutboxEntry[] = [];

async function refresh(): Promise<void> {
  const all = await transact('readonly', (store) => store.getAll() as IDBRequest<OutboxEntry[]>);
  snapshot = all.sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  for (const listener of listeners) listener();
}

function changed(): Promise<void> {
  channel?.postMessage('changed');
  return refresh();
}
if (channel) channel.onmessage = () => void refresh();

export const outbox = {
  entries: () => snapshot,
  refresh,
  save: async (entry: Omit<OutboxEntry, 'savedAt' | 'attempts' | 'status'>): Promise<void> => {
    const full: OutboxEntry = {
      ...entry,
      savedAt: new Date().toISOString(),
      attempts: 0,
      status: 'pending',
    };
    await transact('readwrite', (store) => store.put(full));
    await changed();
  },
  remove: async (key: string): Promise<void> => {
    await transact('readwrite', (store) => store.delete(key));
    await changed();
  },
  put: async (entry: OutboxEntry): Promise<void> => {
    await transact('readwrite', (store) => store.put(entry));
    await changed();
  },
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export type Sender = (entry: OutboxEntry) => Promise<SendOutcome>;

/**
 * Sends the person's pending entries, oldest first, one at a time. Tabs take turns
 * (a Web Lock where the browser has them); two sends of one entry would still act once,
 * by its key, but need not happen at all.
 */
export async function flush(userId: string, senders: Record<OutboxKind, Sender>): Promise<void> {
  const run = async () => {
    await refresh();
    for (const entry of snapshot) {
      if (entry.status !== 'pending' || entry.userId !== userId) continue;
      const outcome = await senders[entry.kind](entry);
      const attempts = entry.attempts + 1;
      switch (outcome.kind) {
        case 'sent':
          await outbox.put({ ...entry, attempts, status: 'sent', result: outcome.result });
          break;
        case 'refused':
          await outbox.put({ ...entry, attempts, status: 'refused', problem: outcome.problem });
          break;
        case 'retry':
          await outbox.put({ ...entry, attempts });
          // The network or the gateway is down: the rest would fail the same way.
          return;
        case 'signed-out':
          return;
      }
    }
  };
  if (typeof navigator !== 'undefined' && navigator.locks) {
    await navigator.locks.request('boucle.outbox', run);
  } else {
    await run();
  }
}

export function useOutbox(): readonly OutboxEntry[] {
  useEffect(() => {
    void refresh();
  }, []);
  return useSyncExternalStore(outbox.subscribe, outbox.entries);
}

/** Whether the browser believes it has a network (it may be wrong: a send may still fail). */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}
