// Nothing imported: the early requests (app/early.ts) read the token before the app's code arrives.

/**
 * The person signed in: a bearer token of the cluster's sign-in provider, kept for this
 * tab only (sessionStorage), so that closing the tab at a shared counter signs out. Its
 * claims are read here to shape the pages; the gateway alone verifies them.
 */
export interface Session {
  token: string;
  userId: string;
  role: Role;
  organisationId: string | null;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** Signed in at the OIDC provider (renewed there, signed out there too); else a pasted token. */
  via?: 'provider';
}

export const ROLES = [
  'operator',
  'refurbisher',
  'driver',
  'firm',
  'shop',
  'beneficiary',
  'coordinator',
] as const;
export type Role = (typeof ROLES)[number];

/** Where this tab keeps the token (sessionStorage). */
export const SESSION_KEY = 'boucle.session';
/** The claims the gateway reads by default (AUTH_ROLE_CLAIM, AUTH_ORGANISATION_CLAIM). */
const ROLE_CLAIM = 'boucle_role';
const ORGANISATION_CLAIM = 'boucle_org';

export type TokenRefusal = 'malformed' | 'no-role' | 'expired';

/** What a pasted token says, or why it cannot be used. */
export function readToken(
  raw: string,
  now = Date.now() / 1000,
): { session: Session } | { refusal: TokenRefusal } {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? ''))
    return { refusal: 'malformed' };
  let claims: Record<string, unknown>;
  try {
    const json = atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return { refusal: 'malformed' };
  }
  const role = claims[ROLE_CLAIM];
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    return { refusal: 'no-role' };
  const expiresAt = typeof claims['exp'] === 'number' ? claims['exp'] : 0;
  if (expiresAt <= now) return { refusal: 'expired' };
  const organisation = claims[ORGANISATION_CLAIM];
  return {
    session: {
      token,
      userId: typeof claims['sub'] === 'string' ? claims['sub'] : '',
      role: role as Role,
      organisationId: typeof organisation === 'string' ? organisation : null,
      expiresAt,
    },
  };
}
