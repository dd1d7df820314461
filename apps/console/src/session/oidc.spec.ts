import { describe, expect, it } from '@jest/globals';
import { settingsFor, sessionOf } from './oidc';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: Record<string, unknown>) =>
  `${encode({ alg: 'RS256' })}.${encode(claims)}.c2ln`;

function memoryStorage(): Storage {
  const kept = new Map<string, string>();
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

describe('settingsFor', () => {
  const config = {
    issuer: 'https://id.example/realms/boucle',
    clientId: 'console',
    scope: 'openid offline_access',
  };

  it('should sign in with the code flow and come back to the console', () => {
    const settings = settingsFor(config, 'https://console.example', memoryStorage());
    expect(settings).toMatchObject({
      authority: config.issuer,
      client_id: 'console',
      scope: 'openid offline_access',
      response_type: 'code',
      redirect_uri: 'https://console.example/sign-in/callback',
      post_logout_redirect_uri: 'https://console.example/sign-in',
      loadUserInfo: false,
    });
  });

  it('should renew the token before it expires, never in a hidden frame', () => {
    const settings = settingsFor(config, 'https://console.example', memoryStorage());
    expect(settings.automaticSilentRenew).toBe(true);
    // No frame: the console's pages refuse to be framed; renewal is by refresh token.
    expect(settings.silent_redirect_uri).toBeUndefined();
  });

  it('should keep the provider tokens in the given (this tab’s) storage', async () => {
    const storage = memoryStorage();
    const settings = settingsFor(config, 'https://console.example', storage);
    await settings.userStore!.set('user', '{"access_token":"x"}');
    expect(storage.getItem('oidc.user')).toBe('{"access_token":"x"}');
  });
});

describe('sessionOf', () => {
  const exp = Math.floor(Date.now() / 1000) + 300;

  it('should open a session of the provider with its access token', () => {
    const access = token({ sub: 'elise', boucle_role: 'operator', boucle_org: 'org-1', exp });
    expect(sessionOf({ access_token: access })).toEqual({
      session: {
        token: access,
        userId: 'elise',
        role: 'operator',
        organisationId: 'org-1',
        expiresAt: exp,
        via: 'provider',
      },
    });
  });

  it('should refuse an access token that gives no role of the cluster, or has expired', () => {
    expect(sessionOf({ access_token: token({ sub: 'elise', exp }) })).toEqual({
      refusal: 'no-role',
    });
    expect(
      sessionOf({ access_token: token({ sub: 'elise', boucle_role: 'operator', exp: 1 }) }),
    ).toEqual({ refusal: 'expired' });
    expect(sessionOf({ access_token: 'opaque' })).toEqual({ refusal: 'malformed' });
  });
});
