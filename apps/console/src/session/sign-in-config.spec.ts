import { describe, expect, it } from '@jest/globals';
import { providerOf } from './sign-in-config';

describe('providerOf', () => {
  const oidc = {
    issuer: 'https://id.example/realms/boucle',
    clientId: 'console',
    scope: 'openid offline_access',
  };

  it('should read the provider the gateway names', () => {
    expect(providerOf({ oidc })).toEqual(oidc);
    // Only what the console uses is kept.
    expect(providerOf({ oidc: { ...oidc, secret: 'x' }, other: 1 })).toEqual(oidc);
  });

  it('should take pasted tokens only when no provider is named, or one that cannot be used', () => {
    expect(providerOf({ oidc: null })).toBeNull();
    expect(providerOf({})).toBeNull();
    expect(providerOf(null)).toBeNull();
    expect(providerOf('oidc')).toBeNull();
    expect(providerOf({ oidc: { ...oidc, clientId: undefined } })).toBeNull();
    expect(providerOf({ oidc: { ...oidc, issuer: 42 } })).toBeNull();
    expect(providerOf({ oidc: { issuer: oidc.issuer, clientId: 'console' } })).toBeNull();
  });
});
