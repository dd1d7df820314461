/** The OIDC provider people sign in with, as the gateway says at `/console/config.json`. */
export interface ProviderSignIn {
  issuer: string;
  clientId: string;
  scope: string;
}

let pending: Promise<ProviderSignIn | null> | undefined;

/**
 * How this cluster signs people in, read at run time from the gateway that serves the
 * console (one build for every cluster). Null: pasted tokens only, as when the gateway
 * says so or cannot be reached (offline, the Vite dev server without it).
 */
export function readSignInConfig(): Promise<ProviderSignIn | null> {
  pending ??= fetch('/console/config.json', { cache: 'no-cache' })
    .then(async (response) => (response.ok ? providerOf(await response.json()) : null))
    .catch(() => null)
    .then((config) => {
      // Not known now is not known for good: the next page asks again.
      if (!config) pending = undefined;
      return config;
    });
  return pending;
}

export function providerOf(body: unknown): ProviderSignIn | null {
  const oidc = (body as { oidc?: Partial<ProviderSignIn> | null } | null)?.oidc;
  if (!oidc) return null;
  const { issuer, clientId, scope } = oidc;
  return typeof issuer === 'string' && typeof clientId === 'string' && typeof scope === 'string'
    ? { issuer, clientId, scope }
    : null;
}
