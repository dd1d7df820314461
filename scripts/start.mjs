// `npm start`: the whole system on this machine. PostgreSQL, Redis and NATS are started
// with the machine's own commands when they are down (scripts/ensure-services.sh), the
// services are built and run compiled, each from its own process, and Ctrl-C stops them
// all gracefully. Development keys (.boucle/) stand in for the sign-in provider and the
// gateway's signing key; production gives its own through the environment.
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const node = process.execPath;
const devKey = (kind) =>
  execFileSync(node, [path.join(root, 'scripts', 'dev-identity.mjs'), kind], { encoding: 'utf8' });

const infrastructure = {
  DATABASE_HOST: 'postgres://boucle:boucle@127.0.0.1:5432',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

const SERVICES = [
  {
    name: 'inventory',
    port: 3001,
    env: {
      DATABASE_URL:
        process.env.INVENTORY_DATABASE_URL ?? `${infrastructure.DATABASE_HOST}/inventory`,
      NATS_URL: infrastructure.NATS_URL,
      REDIS_URL: infrastructure.REDIS_URL,
      IDENTITY_PUBLIC_KEYS: process.env.IDENTITY_PUBLIC_KEYS ?? devKey('public'),
      HTTP_PORT: '3001',
    },
    ready: '/health/ready',
  },
  {
    name: 'collection',
    port: 3002,
    env: {
      DATABASE_URL:
        process.env.COLLECTION_DATABASE_URL ?? `${infrastructure.DATABASE_HOST}/collection`,
      NATS_URL: infrastructure.NATS_URL,
      REDIS_URL: infrastructure.REDIS_URL,
      IDENTITY_PUBLIC_KEYS: process.env.IDENTITY_PUBLIC_KEYS ?? devKey('public'),
      HTTP_PORT: '3002',
    },
    ready: '/health/ready',
  },
  {
    name: 'matching',
    port: 3003,
    // Outside production, and without PERSONAL_DATA_KEYS in the environment, matching
    // seals personal data with its development key (services/matching README, Keys).
    env: {
      DATABASE_URL: process.env.MATCHING_DATABASE_URL ?? `${infrastructure.DATABASE_HOST}/matching`,
      NATS_URL: infrastructure.NATS_URL,
      REDIS_URL: infrastructure.REDIS_URL,
      IDENTITY_PUBLIC_KEYS: process.env.IDENTITY_PUBLIC_KEYS ?? devKey('public'),
      HTTP_PORT: '3003',
    },
    ready: '/health/ready',
  },
  {
    name: 'gateway',
    port: 3000,
    env: {
      NATS_URL: infrastructure.NATS_URL,
      REDIS_URL: infrastructure.REDIS_URL,
      AUTH_ISSUER: process.env.AUTH_ISSUER ?? 'boucle-dev',
      AUTH_AUDIENCE: process.env.AUTH_AUDIENCE ?? 'boucle',
      ...(process.env.AUTH_JWKS_URL
        ? { AUTH_JWKS_URL: process.env.AUTH_JWKS_URL }
        : { AUTH_PUBLIC_KEYS: process.env.AUTH_PUBLIC_KEYS ?? devKey('idp-public') }),
      IDENTITY_PRIVATE_KEY: process.env.IDENTITY_PRIVATE_KEY ?? devKey('private'),
      HTTP_PORT: '3000',
    },
    ready: '/health/ready',
  },
];

function say(line) {
  process.stdout.write(`[boucle] ${line}\n`);
}

try {
  execFileSync('bash', [path.join(root, 'scripts', 'ensure-services.sh')], { stdio: 'inherit' });
} catch {
  say('PostgreSQL, Redis or NATS is not reachable and could not be started here (see above).');
  say(
    'Start them with the machine’s own commands, or `docker compose up -d`, then npm start again.',
  );
  process.exit(1);
}

say('building the services and the console');
try {
  execFileSync(
    node,
    [
      path.join(root, 'node_modules', '.bin', 'nx'),
      'run-many',
      '-t',
      'build',
      '-p',
      ...SERVICES.map((s) => s.name),
      // The web console, which the gateway serves at / (apps/console → dist/apps/console).
      'console',
      '--outputStyle=static',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    },
  );
} catch (error) {
  process.stdout.write(String(error.stdout ?? ''));
  process.stderr.write(String(error.stderr ?? ''));
  say('the build failed (above)');
  process.exit(1);
}

const children = SERVICES.map((service) => {
  const child = spawn(node, [path.join(root, 'dist', 'services', service.name, 'main.js')], {
    cwd: root,
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${service.name} stopped (${signal ?? `exit ${code}`}); stopping the others`);
      stop(1);
    }
  });
  return { service, child };
});

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping');
  const alive = children.filter(({ child }) => child.exitCode === null);
  let left = alive.length;
  if (left === 0) process.exit(code);
  for (const { child } of alive) {
    child.once('exit', () => {
      if (--left === 0) process.exit(code);
    });
    child.kill('SIGTERM');
  }
  setTimeout(() => {
    for (const { child } of alive) child.kill('SIGKILL');
    process.exit(code);
  }, 20_000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitReady({ service }) {
  const url = `http://127.0.0.1:${service.port}${service.ready}`;
  for (let i = 0; i < 240 && !stopping; i++) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} did not become ready at ${url}`);
}

try {
  await Promise.all(children.map(waitReady));
} catch (error) {
  say(String(error instanceof Error ? error.message : error));
  stop(1);
}
if (!stopping) {
  say('ready');
  say('  console      http://localhost:3000/');
  say('  API          http://localhost:3000/v1');
  say('  API document http://localhost:3000/openapi.json');
  for (const { service } of children)
    say(`  ${service.name.padEnd(12)} http://localhost:${service.port}${service.ready}`);
  say('  a token:     npm run token -- --role coordinator');
  say('Ctrl-C stops everything.');
}
