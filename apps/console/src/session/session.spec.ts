import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { readStoredSession, readToken, sessionStore, type Session } from './session';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: Record<string, unknown>) =>
  `${encode({ alg: 'EdDSA' })}.${encode(claims)}.c2ln`;

/** A tab's sessionStorage, as the browser keeps it. */
function memoryStorage(entries: Record<string, string> = {}): Storage {
  const kept = new Map(Object.entries(entries));
  return {
    get length() {
      return kept.size;
    },
    key: (index) => [...kept.keys()][index] ?? null,
    getItem: (key) => kept.get(key) ?? null,
    setItem: (key, value) => void kept.set(key, String(value)),
    removeItem: (key) => void kept.delete(key),
    clear: () => kept.clear(),
  };
}

describe('readToken', () => {
  const now = 1_800_000_000;

  it('should read who the token is for, from a pasted token or a header', () => {
    const raw = token({
      sub: 'op-1',
      boucle_role: 'operator',
      boucle_org: 'org-1',
      exp: now + 60,
      name: 'Élise',
    });
    expect(readToken(` Bearer ${raw}\n`, now)).toEqual({
      session: {
        token: raw,
        userId: 'op-1',
        role: 'operator',
        organisationId: 'org-1',
        expiresAt: now + 60,
      },
    });
  });

  it('should refuse what is not a token, a token without a role of the cluster, an expired one', () => {
    expect(readToken('hello', now)).toEqual({ refusal: 'malformed' });
    expect(readToken(`${encode({})}.bm90IGpzb24.c2ln`, now)).toEqual({ refusal: 'malformed' });
    expect(readToken(token({ sub: 'x', boucle_role: 'system', exp: now + 60 }), now)).toEqual({
      refusal: 'no-role',
    });
    expect(readToken(token({ sub: 'x', boucle_role: 'operator', exp: now }), now)).toEqual({
      refusal: 'expired',
    });
    // A token without an expiry is not taken: it would never end at a shared counter.
    expect(readToken(token({ sub: 'x', boucle_role: 'operator' }), now)).toEqual({
      refusal: 'expired',
    });
  });
});

describe('readStoredSession', () => {
  const now = 1_800_000_000;
  const valid = token({ sub: 'op-1', boucle_role: 'operator', boucle_org: 'org-1', exp: now + 60 });

  it('should give back the session this tab kept, and whether the provider opened it', () => {
    expect(readStoredSession(memoryStorage({ 'boucle.session': valid }), now)).toMatchObject({
      userId: 'op-1',
      role: 'operator',
      organisationId: 'org-1',
    });
    expect(readStoredSession(memoryStorage({ 'boucle.session': valid }), now)?.via).toBeUndefined();
    expect(
      readStoredSession(
        memoryStorage({ 'boucle.session': valid, 'boucle.session.via': 'provider' }),
        now,
      )?.via,
    ).toBe('provider');
    // Anything else kept beside it is not a provider's session.
    expect(
      readStoredSession(
        memoryStorage({ 'boucle.session': valid, 'boucle.session.via': '{"x":1}' }),
        now,
      )?.via,
    ).toBeUndefined();
  });

  it('should ignore a kept session that is malformed, without a role or expired', () => {
    expect(readStoredSession(memoryStorage(), now)).toBeNull();
    for (const kept of [
      '',
      'not a token',
      '{"token":"x"}',
      'a.%%%.c',
      token({ sub: 'x', boucle_role: 'nobody', exp: now + 60 }),
      token({ sub: 'x', boucle_role: 'operator', exp: now - 1 }),
    ])
      expect(readStoredSession(memoryStorage({ 'boucle.session': kept }), now)).toBeNull();
  });
});

describe('sessionStore', () => {
  let storage: Storage;
  const start = Math.floor(Date.now() / 1000) * 1000;
  const sessionFor = (seconds: number, via?: 'provider'): Session => {
    const expiresAt = start / 1000 + seconds;
    const raw = token({
      sub: 'op-1',
      boucle_role: 'operator',
      boucle_org: 'org-1',
      exp: expiresAt,
    });
    return {
      ...(readToken(raw, start / 1000) as { session: Session }).session,
      ...(via ? { via } : {}),
    };
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    storage = memoryStorage({ 'someone.else': 'kept' });
    Object.defineProperty(globalThis, 'sessionStorage', { value: storage, configurable: true });
  });

  afterEach(() => {
    sessionStore.signOut();
    jest.useRealTimers();
    Reflect.deleteProperty(globalThis, 'sessionStorage');
  });

  it('should keep the session for this tab, then clear all of it on sign-out', () => {
    const seen: (Session | null)[] = [];
    const stop = sessionStore.subscribe(() => seen.push(sessionStore.get()));
    const session = sessionFor(3600, 'provider');
    sessionStore.signIn(session);
    expect(storage.getItem('boucle.session')).toBe(session.token);
    expect(storage.getItem('boucle.session.via')).toBe('provider');
    expect(readStoredSession(storage, start / 1000)).toEqual(session);

    sessionStore.signOut();
    stop();
    expect(sessionStore.get()).toBeNull();
    expect(sessionStore.endedBecause()).toBeNull();
    expect(storage.getItem('boucle.session')).toBeNull();
    expect(storage.getItem('boucle.session.via')).toBeNull();
    expect(readStoredSession(storage)).toBeNull();
    // What is not the session's stays.
    expect(storage.getItem('someone.else')).toBe('kept');
    expect(seen).toEqual([session, null]);
  });

  it('should not say a pasted token came from the provider after a provider session', () => {
    sessionStore.signIn(sessionFor(3600, 'provider'));
    sessionStore.signIn(sessionFor(3600));
    expect(storage.getItem('boucle.session.via')).toBeNull();
  });

  it('should end the session when its token expires, saying why', () => {
    sessionStore.signIn(sessionFor(120));
    jest.advanceTimersByTime(119_000);
    expect(sessionStore.get()).not.toBeNull();
    jest.advanceTimersByTime(1_000);
    expect(sessionStore.get()).toBeNull();
    expect(sessionStore.endedBecause()).toBe('expired');
    expect(storage.getItem('boucle.session')).toBeNull();
  });

  it('should keep a session renewed before its token expired, until the new one expires', () => {
    sessionStore.signIn(sessionFor(120, 'provider'));
    jest.advanceTimersByTime(60_000);
    const renewed = sessionFor(240, 'provider');
    sessionStore.signIn(renewed);
    jest.advanceTimersByTime(120_000);
    expect(sessionStore.get()).toBe(renewed);
    expect(storage.getItem('boucle.session')).toBe(renewed.token);
    jest.advanceTimersByTime(60_000);
    expect(sessionStore.get()).toBeNull();
    expect(sessionStore.endedBecause()).toBe('expired');
  });

  it('should wait for an expiry later than a browser timer can', () => {
    const days = 40 * 24 * 3600;
    sessionStore.signIn(sessionFor(days));
    jest.advanceTimersByTime((days - 1) * 1000);
    expect(sessionStore.get()).not.toBeNull();
    jest.advanceTimersByTime(1_000);
    expect(sessionStore.get()).toBeNull();
  });

  it('should not end a new session when the last one would have expired', () => {
    sessionStore.signIn(sessionFor(60));
    sessionStore.signOut();
    const next = sessionFor(3600);
    sessionStore.signIn(next);
    jest.advanceTimersByTime(61_000);
    expect(sessionStore.get()).toBe(next);
  });
});
