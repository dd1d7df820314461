import { generateKeyPairSync } from 'node:crypto';
import { IdentitySigner, IdentityVerifier } from './identity.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const signer = new IdentitySigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const operator = { userId: 'op-1', role: 'operator', organisationId: 'org-1' } as const;

describe('IdentityVerifier', () => {
  it('should refuse a token it accepted before, once it has expired', async () => {
    let now = Date.now();
    const verifier = new IdentityVerifier([publicKeyPem], { now: () => now });
    const token = await signer.sign(operator, 10);

    await expect(verifier.verify(token)).resolves.toEqual(operator);
    now += 8_000;
    await expect(verifier.verify(token)).resolves.toEqual(operator);
    // Past its expiry and the clocks' tolerance of 5 s.
    now += 8_000;
    await expect(verifier.verify(token)).rejects.toThrow('the identity has expired');
  });

  it('should refuse a token differing by one character from one it accepted', async () => {
    const verifier = new IdentityVerifier([publicKeyPem]);
    const token = await signer.sign(operator, 30);
    await verifier.verify(token);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;

    await expect(verifier.verify(tampered)).rejects.toThrow(
      /not signed by the gateway|not a valid token/,
    );
  });

  it('should give each caller an actor of its own', async () => {
    const verifier = new IdentityVerifier([publicKeyPem]);
    const token = await signer.sign(operator, 30);
    const first = await verifier.verify(token);
    (first as { userId: string }).userId = 'someone-else';

    await expect(verifier.verify(token)).resolves.toEqual(operator);
  });
});
