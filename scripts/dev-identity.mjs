// The development stand-in for the gateway's signing key: made once in .boucle/ (never
// committed), its public key given to services started on this machine, its private key
// signing development identities (`npm run token`).
import { generateKeyPairSync, createPrivateKey, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.join(import.meta.dirname, '..', '.boucle');

/**
 * A key pair kept in .boucle/<name>: `identity` stands in for the gateway's signing key,
 * `idp` for the sign-in provider whose bearer tokens the gateway accepts.
 */
function keys(name = 'identity') {
  const dir = path.join(root, `dev-${name}`);
  const privatePath = path.join(dir, 'private.pem');
  const publicPath = path.join(dir, 'public.pem');
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

/** The development sign-in provider, as the gateway started on this machine expects it. */
export const DEV_ISSUER = 'boucle-dev';
export const DEV_AUDIENCE = 'boucle';

const ROLES = ['operator', 'refurbisher', 'driver', 'firm', 'shop', 'beneficiary', 'coordinator'];

/**
 * A bearer token of the development sign-in provider for a person of the cluster, as
 * `npm run token` prints it; with `service`, an identity to call a service directly.
 * Scripts on this machine (`npm run demo`) sign in through this rather than their own keys.
 */
export function devToken({ role, org = null, user = 'dev-user', ttl = 3600, service = false }) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = service
    ? { role, org, iss: 'boucle-gateway', aud: 'boucle-services' }
    : { boucle_role: role, boucle_org: org, iss: DEV_ISSUER, aud: DEV_AUDIENCE };
  const input = `${encode({ alg: 'EdDSA', typ: 'JWT' })}.${encode({
    sub: user,
    ...claims,
    iat: now,
    exp: now + Number(ttl),
  })}`;
  const key = keys(service ? 'identity' : 'idp').privateKeyPem;
  return `${input}.${sign(null, Buffer.from(input), createPrivateKey(key)).toString('base64url')}`;
}

// Run as a command, not when imported for devToken (argv[1] may be a symlink's path).
const invoked =
  process.argv[1] !== undefined &&
  existsSync(process.argv[1]) &&
  realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
const [command, ...rest] = process.argv.slice(2);
if (!invoked) {
  // Imported: the command line is not this module's to read.
} else if (command === 'public') {
  process.stdout.write(keys().publicKeyPem);
} else if (command === 'private') {
  process.stdout.write(keys().privateKeyPem);
} else if (command === 'idp-public') {
  process.stdout.write(keys('idp').publicKeyPem);
} else if (command === 'token') {
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      user: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '3600' },
      // An identity to call a service directly, rather than a bearer token for the gateway.
      service: { type: 'boolean', default: false },
    },
  });
  if (!values.role || !ROLES.includes(values.role)) {
    console.error(
      `usage: npm run token -- --role <${ROLES.join('|')}> [--org <organisation id>] [--user <id>] [--ttl <seconds>] [--service]`,
    );
    process.exit(2);
  }
  const token = devToken({
    role: values.role,
    org: values.org ?? null,
    user: values.user,
    ttl: values.ttl,
    service: values.service,
  });
  process.stdout.write(`${token}\n`);
} else {
  console.error(
    'usage: node scripts/dev-identity.mjs public | private | idp-public | token --role <role> [--org <id>] [--service]',
  );
  process.exit(2);
}
