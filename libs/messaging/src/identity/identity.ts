import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ActorSchema, type Actor } from '@boucle/contracts';

/** Who signs identities (the gateway) and for whom (every service). */
export const IDENTITY_ISSUER = 'boucle-gateway';
export const IDENTITY_AUDIENCE = 'boucle-services';
/** Long enough for one request and its retries, short enough that a leaked one soon expires. */
export const IDENTITY_TTL_SECONDS = 60;
/** Clocks of the gateway and the services may differ a little. */
const CLOCK_TOLERANCE_SECONDS = 5;

export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

/**
 * Signs who is calling as a short-lived token (EdDSA), sent with each request in the
 * `Boucle-Identity` header. Held by the gateway, which authenticated the person; a
 * service that verifies it believes nothing a request body says about its caller.
 */
/** People whose identity is kept for reuse, at most. */
const SIGNED_KEPT = 10_000;

export class IdentitySigner {
  private readonly key: KeyObject;
  /**
   * A person's identity, reused for the first half of its life: signing is a fifth of the
   * gateway's work per request, and a token that still has half its minute to live is as
   * good as a new one for a request that takes milliseconds.
   */
  private readonly signed = new Map<string, { token: string; reuseUntil: number }>();

  constructor(privateKeyPem: string) {
    this.key = createPrivateKey(privateKeyPem);
  }

  async sign(actor: Actor, ttlSeconds = IDENTITY_TTL_SECONDS): Promise<string> {
    if (actor.role === 'system') {
      throw new IdentityError('a service acts as system on its own; no request speaks as system');
    }
    const key = `${actor.userId}\n${actor.role}\n${actor.organisationId ?? ''}\n${ttlSeconds}`;
    const now = Date.now();
    const known = this.signed.get(key);
    if (known && known.reuseUntil > now) return known.token;
    const token = await new SignJWT({ role: actor.role, org: actor.organisationId })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setSubject(actor.userId)
      .setIssuer(IDENTITY_ISSUER)
      .setAudience(IDENTITY_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
    this.signed.delete(key);
    this.signed.set(key, { token, reuseUntil: now + ttlSeconds * 500 });
    // Oldest first in a Map: the people least recently signed for leave first.
    if (this.signed.size > SIGNED_KEPT) this.signed.delete(this.signed.keys().next().value!);
    return token;
  }
}

/** Identities already verified, kept at most: a person's token comes back with every request. */
const VERIFIED_KEPT = 10_000;

export interface IdentityVerifierOptions {
  /** The clock expiry is judged by; tests move it. */
  now?: () => number;
}

/**
 * Verifies the identity a request carries and gives the actor it proves: the gateway's
 * signature (any of its keys, so that keys can be rotated), issuer, audience, expiry.
 * A token speaking as `system` is refused: a service's own actor never comes from a
 * request.
 */
export class IdentityVerifier {
  private readonly keys: KeyObject[];
  private readonly now: () => number;
  /**
   * Tokens whose signature and claims were checked, with the actor they prove and when they
   * expire. The gateway reuses a person's token for half its minute, and checking a signature
   * was a tenth of a service's work per command; the same bytes verify the same way every
   * time, so only the expiry is judged again. Failures are never kept.
   */
  private readonly verified = new Map<string, { actor: Actor; expiresAt: number }>();

  /** One public key (SPKI PEM) per gateway key in use; more than one while rotating. */
  constructor(publicKeysPem: readonly string[], options: IdentityVerifierOptions = {}) {
    if (publicKeysPem.length === 0) throw new Error('an identity verifier needs a public key');
    this.keys = publicKeysPem.map((pem) => createPublicKey(pem));
    this.now = options.now ?? Date.now;
  }

  async verify(token: string): Promise<Actor> {
    const now = this.now();
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > now) return { ...known.actor };
      this.verified.delete(token);
    }
    let lastError: unknown;
    for (const key of this.keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: IDENTITY_ISSUER,
          audience: IDENTITY_AUDIENCE,
          algorithms: ['EdDSA'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp', 'iat'],
          currentDate: new Date(now),
        });
        const actor = ActorSchema.safeParse({
          userId: payload.sub,
          role: payload['role'],
          organisationId: payload['org'] ?? null,
        });
        if (!actor.success) throw new IdentityError('the identity does not name a valid actor');
        if (actor.data.role === 'system') throw new IdentityError('no request speaks as system');
        this.keep(token, { ...actor.data }, (payload.exp! + CLOCK_TOLERANCE_SECONDS) * 1000);
        return actor.data;
      } catch (error) {
        lastError = error;
        // Another key may have signed it; anything but a bad signature is final.
        if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw new IdentityError(describe(lastError));
  }

  private keep(token: string, actor: Actor, expiresAt: number): void {
    this.verified.set(token, { actor, expiresAt });
    // Oldest first in a Map: the tokens verified longest ago leave first.
    if (this.verified.size > VERIFIED_KEPT)
      this.verified.delete(this.verified.keys().next().value!);
  }
}

function describe(error: unknown): string {
  if (error instanceof IdentityError) return error.message;
  if (error instanceof joseErrors.JWTExpired) return 'the identity has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `the identity's ${error.claim} is not accepted`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the identity is not signed by the gateway';
  return 'the identity is not a valid token';
}
