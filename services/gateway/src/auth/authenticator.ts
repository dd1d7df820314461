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

/**
 * Authenticates people from an OIDC provider's bearer tokens (issuer, audience, expiry
 * and not-before with the configured clock skew, keys from its JWKS or configuration)
 * and says who they are in the cluster: their role and organisation from two claims.
 */
@Injectable()
export class Authenticator {
  private readonly keys: KeyObject[];
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.keys = (config.AUTH_PUBLIC_KEYS ?? []).map((pem) => createPublicKey(pem));
    this.jwks = config.AUTH_JWKS_URL
      ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
      : undefined;
  }

  async authenticate(authorization: string | undefined): Promise<Actor> {
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new AuthenticationError('a bearer token is required');
    const payload = await this.verify(token);
    const actor = ActorSchema.safeParse({
      userId: payload.sub,
      role: payload[this.config.AUTH_ROLE_CLAIM],
      organisationId: payload[this.config.AUTH_ORGANISATION_CLAIM] ?? null,
    });
    if (!actor.success || actor.data.role === 'system')
      throw new AuthenticationError('the token does not name a person of the cluster with a role');
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
