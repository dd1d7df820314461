// The development stand-in for the gateway's signing key: made once in .boucle/ (never
// committed), its public key given to services started on this machine, its private key
// signing development identities (`npm run token`).
import { generateKeyPairSync, createPrivateKey, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const dir = path.join(import.meta.dirname, '..', '.boucle', 'dev-identity');
const privatePath = path.join(dir, 'private.pem');
const publicPath = path.join(dir, 'public.pem');

function keys() {
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true });
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return {
    privateKeyPem: readFileSync(privatePath, 'utf8'),
    publicKeyPem: readFileSync(publicPath, 'utf8'),
  };
}

const ROLES = ['operator', 'refurbisher', 'driver', 'firm', 'shop', 'beneficiary', 'coordinator'];
const [command, ...rest] = process.argv.slice(2);
if (command === 'public') {
  process.stdout.write(keys().publicKeyPem);
} else if (command === 'token') {
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      user: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  if (!values.role || !ROLES.includes(values.role)) {
    console.error(
      `usage: npm run token -- --role <${ROLES.join('|')}> [--org <organisation id>] [--user <id>] [--ttl <seconds>]`,
    );
    process.exit(2);
  }
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${encode({ alg: 'EdDSA', typ: 'JWT' })}.${encode({
    sub: values.user,
    role: values.role,
    org: values.org ?? null,
    iss: 'boucle-gateway',
    aud: 'boucle-services',
    iat: now,
    exp: now + Number(values.ttl),
  })}`;
  const signature = sign(null, Buffer.from(input), createPrivateKey(keys().privateKeyPem));
  process.stdout.write(`${input}.${signature.toString('base64url')}\n`);
} else {
  console.error('usage: node scripts/dev-identity.mjs public | token --role <role> [--org <id>]');
  process.exit(2);
}
