import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';

/**
 * A key pair standing in for the gateway's in tests, made once per test process: its
 * public key goes into the service's config, its private key into the test's client,
 * which then signs the identity of whoever a test acts as.
 */
let pair: { publicKeyPem: string; privateKeyPem: string } | undefined;

export function testIdentityKeys(): { publicKeyPem: string; privateKeyPem: string } {
  pair ??= (() => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    return {
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  })();
  return pair;
}

/**
 * An identity token with whatever claims a test gives, signed with the test key, as a
 * compromised or mistaken signer could make one: for the refusals no honest signer
 * would ever let through (an identity speaking as `system`).
 */
export function forgeIdentity(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const signingInput = `${encode({ alg: 'EdDSA', typ: 'JWT' })}.${encode({
    iss: 'boucle-gateway',
    aud: 'boucle-services',
    iat: now,
    exp: now + 60,
    ...claims,
  })}`;
  const signature = sign(
    null,
    Buffer.from(signingInput),
    createPrivateKey(testIdentityKeys().privateKeyPem),
  );
  return `${signingInput}.${signature.toString('base64url')}`;
}
