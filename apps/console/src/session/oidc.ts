import {
  UserManager,
  WebStorageStateStore,
  type User,
  type UserManagerSettings,
} from 'oidc-client-ts';
import type { ProviderSignIn } from './sign-in-config';
import { readSignInConfig } from './sign-in-config';
import { readToken, sessionStore, type Session, type TokenRefusal } from './session';

/**
 * Sign-in at the cluster's OIDC provider: the authorization code flow with PKCE (the
 * console is a public client, it keeps no secret), the provider's access token then
 * sent to the gateway as any bearer token. Loaded only when a provider is configured.
 *
 * The token is renewed a minute before it expires with the refresh token the provider
 * gives (Keycloak with every sign-in; a provider that keeps to OIDC Core gives one for
 * `offline_access` only when consent is asked). Never in a hidden frame: the console's pages
 * refuse to be framed (`frame-ancestors 'none'`). A session whose token could not be
 * renewed (no refresh token, the provider refused or out of reach) ends when the token
 * expires, and the sign-in page says so.
 */
let manager: UserManager | undefined;
let completing: Promise<Completed> | undefined;

export type Completed =
  { session: Session; next: string | undefined } | { refusal: TokenRefusal | 'failed' };

const CALLBACK = '/sign-in/callback';

/**
 * How the console uses its provider: the code flow back to the callback page, the tokens
 * kept for this tab only (as a pasted token: closing the tab at a shared counter signs
 * out), renewed before they expire.
 */
export function settingsFor(
  config: ProviderSignIn,
  origin: string,
  store: Storage,
): UserManagerSettings {
  return {
    authority: config.issuer,
    client_id: config.clientId,
    scope: config.scope,
    redirect_uri: `${origin}${CALLBACK}`,
    post_logout_redirect_uri: `${origin}/sign-in`,
    response_type: 'code',
    userStore: new WebStorageStateStore({ store }),
    // With the refresh token, a minute before the token expires (never in a hidden frame).
    automaticSilentRenew: true,
    // The provider's profile is not needed: the access token's claims say who signs in.
    loadUserInfo: false,
  };
}

function managerFor(config: ProviderSignIn): UserManager {
  if (manager) return manager;
  manager = new UserManager(
    settingsFor(config, globalThis.location.origin, globalThis.sessionStorage),
  );
  const renewed = manager;
  renewed.events.addUserLoaded((user) => {
    // Only a session still open takes the renewed token: one ended while the provider was
    // answering (signed out, refused) stays ended. The first sign-in is taken by its page.
    if (sessionStore.get()?.via !== 'provider') return;
    const read = sessionOf(user);
    // A renewed token that no longer gives a role ends the session as the gateway would.
    if ('session' in read) sessionStore.signIn(read.session);
    else sessionStore.signOut('expired');
  });
  // Not renewed in time (no refresh token given, the provider refused or out of reach):
  // back to the sign-in page, which says the session ended, rather than refused requests.
  renewed.events.addAccessTokenExpired(() => {
    if (sessionStore.get()?.via === 'provider') sessionStore.signOut('expired');
  });
  // A session that ends here (sign-out, a token the gateway refused) forgets the provider's
  // too, and its renewal stops, so that no late answer brings it back.
  sessionStore.subscribe(() => {
    if (sessionStore.get()) return;
    renewed.stopSilentRenew();
    void renewed.removeUser().catch(() => undefined);
  });
  return manager;
}

/** The session a token of the provider opens, or why it cannot. */
export function sessionOf(
  user: Pick<User, 'access_token'>,
): { session: Session } | { refusal: TokenRefusal } {
  const read = readToken(user.access_token);
  return 'session' in read ? { session: { ...read.session, via: 'provider' } } : read;
}

/** To the provider's sign-in page; `next` is where the console opens afterwards. */
export async function signInAtProvider(config: ProviderSignIn, next: string | null) {
  await managerFor(config).signinRedirect({ state: { next } });
}

/**
 * Back from the provider: the code exchanged (with the PKCE verifier kept in this tab) for
 * the tokens. Once per page, however often React renders the page that asks.
 */
export function completeSignIn(): Promise<Completed> {
  completing ??= (async (): Promise<Completed> => {
    const config = await readSignInConfig();
    if (!config) return { refusal: 'failed' };
    try {
      const user = await managerFor(config).signinRedirectCallback();
      const read = sessionOf(user);
      if ('refusal' in read) {
        await manager?.removeUser();
        return read;
      }
      const state = user.state as { next?: unknown } | undefined;
      return {
        session: read.session,
        next: typeof state?.next === 'string' ? state.next : undefined,
      };
    } catch {
      return { refusal: 'failed' };
    }
  })();
  return completing;
}

/** After a reload: the provider's session of this tab renewed again before it expires. */
export async function keepRenewed(): Promise<void> {
  const config = await readSignInConfig();
  if (!config) return;
  // Reading the user starts the timers that renew it.
  await managerFor(config).getUser();
}

/** Signed out here, then at the provider, which comes back to the sign-in page. */
export async function signOutAtProvider(): Promise<void> {
  const config = await readSignInConfig();
  if (!config) {
    sessionStore.signOut();
    return;
  }
  const users = managerFor(config);
  users.stopSilentRenew();
  const user = await users.getUser();
  await users.removeUser();
  sessionStore.signOut();
  await users.signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {});
}
