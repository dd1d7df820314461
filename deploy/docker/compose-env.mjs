// Writes the development keys the services of docker-compose.yml read, one env file per
// service, in .boucle/compose/ (never committed, like the keys themselves):
//   node deploy/docker/compose-env.mjs [--out <dir>]
// The keys are this machine's development keys (scripts/dev-identity.mjs), so that
// `npm run token` signs bearer tokens the composed gateway accepts. Each file gives a
// service only what it needs: the inventory, collection and matching the gateway's public
// key, the gateway its private key and the development sign-in provider's public key.
// Matching also gets the key it seals personal data with: generated once, then kept from
// the file already there, as a new key would leave what the old one sealed unreadable.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.join(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = path.resolve(values.out ?? path.join(root, '.boucle', 'compose'));

const key = (kind) =>
  execFileSync(process.execPath, [path.join(root, 'scripts', 'dev-identity.mjs'), kind], {
    encoding: 'utf8',
  });

// One line per variable: the PEM's line breaks written as `\n`, which the services' config
// turns back into line breaks; single quotes, which Compose reads literally.
const line = (name, value) => `${name}='${value.trim().replace(/\n/g, '\\n')}'`;

/** This machine's personal data keys, as the matching.env already in `out` has them, or a new one. */
function personalDataKeys() {
  const file = path.join(out, 'matching.env');
  if (existsSync(file)) {
    const kept = /^PERSONAL_DATA_KEYS='([^']+)'$/m.exec(readFileSync(file, 'utf8'));
    if (kept) return kept[1];
  }
  const id = `compose-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  return `${id}:${randomBytes(32).toString('base64')}`;
}

const files = {
  'inventory.env': [line('IDENTITY_PUBLIC_KEYS', key('public'))],
  'collection.env': [line('IDENTITY_PUBLIC_KEYS', key('public'))],
  'matching.env': [
    line('IDENTITY_PUBLIC_KEYS', key('public')),
    line('PERSONAL_DATA_KEYS', personalDataKeys()),
  ],
  'gateway.env': [
    line('IDENTITY_PRIVATE_KEY', key('private')),
    line('AUTH_PUBLIC_KEYS', key('idp-public')),
  ],
};

mkdirSync(out, { recursive: true });
for (const [name, lines] of Object.entries(files)) {
  writeFileSync(path.join(out, name), `${lines.join('\n')}\n`, { mode: 0o600 });
  console.log(path.relative(process.cwd(), path.join(out, name)) || path.join(out, name));
}
