import { useSyncExternalStore } from 'react';
import { readToken, SESSION_KEY, type Session } from './token';

export { readToken, ROLES, type Role, type Session, type TokenRefusal } from './token';

const STORED = SESSION_KEY;
const STORED_VIA = 'boucle.session.via';

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = load();
/** Why the last session ended, for the sign-in page to say. */
let endedBecause: 'expired' | null = null;
let expiry: ReturnType<typeof setTimeout> | undefined;
/** The longest a browser's timer waits (about 24 days); a later expiry is waited for again. */
const LONGEST_WAIT_MS = 2 ** 31 - 1;

/**
 * The session this tab kept, if it still holds: a token that does not read, has no role of
 * the cluster or has expired is no session (the person signs in again), whatever else is kept.
 */
export function readStoredSession(
  storage: Pick<Storage, 'getItem'>,
  now = Date.now() / 1000,
): Session | null {
  const raw = storage.getItem(STORED);
  if (!raw) return null;
  const read = readToken(raw, now);
  if (!('session' in read)) return null;
  return storage.getItem(STORED_VIA) === 'provider'
    ? { ...read.session, via: 'provider' }
    : read.session;
}

function load(): Session | null {
  try {
    return readStoredSession(sessionStorage);
  } catch {
    return null;
  }
}

function emit() {
  for (const listener of listeners) listener();
}

/**
 * Ended when its token expires, unless renewed before (a new token, a new wait): the
 * sign-in page then says why, rather than each page showing the gateway's refusals.
 */
function watchExpiry(session: Session | null) {
  clearTimeout(expiry);
  expiry = undefined;
  if (!session) return;
  const wait = session.expiresAt * 1000 - Date.now();
  expiry = setTimeout(
    () => {
      if (current !== session) return;
      if (session.expiresAt * 1000 > Date.now()) watchExpiry(session);
      else sessionStore.signOut('expired');
    },
    Math.min(Math.max(wait, 0), LONGEST_WAIT_MS),
  );
}
watchExpiry(current);

export const sessionStore = {
  get: (): Session | null => current,
  endedBecause: () => endedBecause,
  signIn: (session: Session) => {
    current = session;
    endedBecause = null;
    watchExpiry(session);
    try {
      sessionStorage.setItem(STORED, session.token);
      if (session.via) sessionStorage.setItem(STORED_VIA, session.via);
      else sessionStorage.removeItem(STORED_VIA);
    } catch {
      // Storage refused (a private window): the session lasts while the page is open.
    }
    emit();
  },
  signOut: (reason: 'expired' | null = null) => {
    current = null;
    endedBecause = reason;
    watchExpiry(null);
    try {
      sessionStorage.removeItem(STORED);
      sessionStorage.removeItem(STORED_VIA);
    } catch {
      // Nothing was kept.
    }
    emit();
  },
  subscribe: (listener: Listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

/**
 * Signing out as the person asks: a session of the OIDC provider ends there too (its
 * sign-out page, then back to the sign-in page), so that the next person at a shared
 * counter is not signed in as the last one.
 */
export function signOut(): void {
  if (current?.via !== 'provider') {
    sessionStore.signOut();
    return;
  }
  void import('./oidc')
    .then((oidc) => oidc.signOutAtProvider())
    .catch(() => sessionStore.signOut());
}
