import { createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { ActorSchema, type Actor } from '@boucle/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';

/** Why a bearer token was refused; the person is told, the services never asked. */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** Asymmetric algorithms only: `none` and shared-secret tokens are never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
/** Tokens kept verified, at most: the oldest leave first. */
const VERIFIED_KEPT = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authenticates people from an OIDC provider's bearer tokens (issuer, audience, expiry
 * and not-before with the configured clock skew, keys from its JWKS or configuration)
 * and says who they are in the cluster: their role and organisation from two claims.
 */
@Injectable()
export class Authenticator {
  private readonly keys: KeyObject[];
  private readonly verified = new Map<string, { actor: Actor; until: number }>();
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.keys = (config.AUTH_PUBLIC_KEYS ?? []).map((pem) => createPublicKey(pem));
    this.jwks = config.AUTH_JWKS_URL
      ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
      : undefined;
  }

  /**
   * The person of a token verified a moment ago, without verifying it again; undefined when
   * it must be. A token is kept until it expires, a minute at most: verifying a signature is
   * a fifth of the gateway's work per request, and a client sends the same token for each.
   */
  known(authorization: string | undefined): Actor | undefined {
    const token = tokenOf(authorization);
    const known = token === undefined ? undefined : this.verified.get(token);
    if (!known) return undefined;
    if (known.until > Date.now()) return known.actor;
    this.verified.delete(token!);
    return undefined;
  }

  async authenticate(authorization: string | undefined): Promise<Actor> {
    const cached = this.known(authorization);
    if (cached) return cached;
    const token = tokenOf(authorization);
    if (!token) throw new AuthenticationError('a bearer token is required');
    const payload = await this.verify(token);
    const actor = ActorSchema.safeParse({
      userId: payload.sub,
      role: payload[this.config.AUTH_ROLE_CLAIM],
      organisationId: payload[this.config.AUTH_ORGANISATION_CLAIM] ?? null,
    });
    if (!actor.success || actor.data.role === 'system')
      throw new AuthenticationError('the token does not name a person of the cluster with a role');
    // Members are known by their ids: any other organisation claim names none of them.
    if (actor.data.organisationId !== null && !UUID.test(actor.data.organisationId))
      throw new AuthenticationError("the token's organisation is not a member's id");
    // Kept no longer than it is valid (no clock skew granted twice), nor than a minute.
    this.verified.set(token, {
      actor: actor.data,
      until: Math.min(payload.exp! * 1000, Date.now() + 60_000),
    });
    if (this.verified.size > VERIFIED_KEPT)
      this.verified.delete(this.verified.keys().next().value!);
    return actor.data;
  }

  private async verify(token: string): Promise<JWTPayload> {
    const options = {
      issuer: this.config.AUTH_ISSUER,
      audience: this.config.AUTH_AUDIENCE,
      algorithms: ALGORITHMS,
      clockTolerance: this.config.AUTH_CLOCK_SKEW_SECONDS,
      requiredClaims: ['sub', 'exp'],
    };
    let failure: unknown;
    if (this.jwks) {
      try {
        return (await jwtVerify(token, this.jwks, options)).payload;
      } catch (error) {
        failure = error;
      }
    }
    for (const key of this.keys) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (error) {
        failure = error;
        if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw new AuthenticationError(reasonOf(failure));
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return error.claim === 'nbf'
      ? 'the token is not valid yet'
      : `the token's ${error.claim} is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'the token is not signed with an accepted algorithm';
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWSSignatureVerificationFailed
  )
    return 'the token is not signed by a known key';
  return 'the token is not valid';
}

/** The scheme's name is case-insensitive (RFC 9110); the token itself is not. */
function tokenOf(authorization: string | undefined): string | undefined {
  return /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization ?? '')?.[1];
}
