// docker-compose.yml, read without a Docker engine: valid against the published Compose
// Specification schema, every service health-checked and started after what it needs,
// nothing reachable from another machine, Redis as BullMQ needs it, the services built from
// deploy/docker, and an environment each service's own configuration accepts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { createRequire } from 'node:module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadGatewayConfig } from '../../services/gateway/src/config/gateway.config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadInventoryConfig } from '../../services/inventory/src/config/inventory.config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadMatchingConfig } from '../../services/matching/src/config/matching.config.js';
import { readRepoFile, readYaml, ROOT } from './manifests.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: { path: string; required?: boolean }[];
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = readYaml<ComposeFile>('docker-compose.yml');
const services = Object.entries(compose.services);
const apps = services.filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml', () => {
  it('should be valid against the Compose Specification schema', () => {
    const require = createRequire(import.meta.url);
    const draft07 = require('ajv/dist/refs/json-schema-draft-07.json') as Record<string, unknown>;
    const schema = JSON.parse(readRepoFile('deploy/test/schemas/compose-spec.json')) as Record<
      string,
      unknown
    >;
    // The schema names its meta-schema by https and without the fragment Ajv registers.
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addMetaSchema({ ...draft07, $id: schema.$schema as string });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(services)('%s should have a health check', (_name, service) => {
    expect(service.healthcheck?.disable).not.toBe(true);
    expect(service.healthcheck?.test?.length ?? 0).toBeGreaterThan(1);
    expect(service.healthcheck?.test?.[0]).toMatch(/^CMD(-SHELL)?$/);
  });

  it.each(services)('%s should wait for what it depends on to be healthy', (_name, service) => {
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      expect({ dependency, condition }).toEqual({ dependency, condition: 'service_healthy' });
      expect(compose.services[dependency]).toBeDefined();
    }
  });

  it.each(services)('%s should publish its ports on 127.0.0.1 only', (_name, service) => {
    for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('should run Redis with noeviction and an append-only file, which BullMQ needs', () => {
    const redis = compose.services.redis!;
    const settings = new Map<string, string>();
    // A configuration file given on the command line, mounted from this repository...
    const configPath = redis.command?.find((arg) => arg.endsWith('.conf'));
    if (configPath) {
      const mount = redis.volumes?.find((v) => v.split(':')[1] === configPath);
      expect(mount).toBeDefined();
      for (const line of readRepoFile(mount!.split(':')[0]!).split('\n')) {
        const [key, ...value] = line.trim().split(/\s+/);
        if (key && !key.startsWith('#')) settings.set(key, value.join(' '));
      }
    }
    // ...and flags after it, which override it.
    const flags = redis.command ?? [];
    for (const [i, arg] of flags.entries()) {
      if (arg.startsWith('--') && flags[i + 1] !== undefined)
        settings.set(arg.slice(2), flags[i + 1]!);
    }
    expect(settings.get('maxmemory-policy')).toBe('noeviction');
    expect(settings.get('appendonly')).toBe('yes');
  });

  it('should build every service of services/ from deploy/docker', () => {
    const expected = readdirSync(path.join(ROOT, 'services')).filter((name) =>
      existsSync(path.join(ROOT, 'services', name, 'src', 'main.ts')),
    );
    expect(apps.map(([, s]) => s.build!.args?.SERVICE).sort()).toEqual(expected.sort());
    for (const [name, service] of apps) {
      expect({ name, context: service.build!.context }).toEqual({ name, context: '.' });
      expect(service.build!.dockerfile).toMatch(/^deploy\/docker\//);
      expect(existsSync(path.join(ROOT, service.build!.dockerfile))).toBe(true);
      // The port the image is built for is the one the service is told to listen on.
      expect(service.build!.args?.HTTP_PORT).toBe(service.environment?.HTTP_PORT);
    }
  });

  it('should keep the services out of a plain `docker compose up`, which starts the infrastructure for npm test', () => {
    for (const [, service] of apps) expect(service.profiles).toEqual(['app']);
    for (const [, service] of services.filter(([, s]) => !s.build))
      expect(service.profiles).toBeUndefined();
  });

  describe('the environment of each service, as its own configuration reads it', () => {
    // What deploy/docker/compose-env.mjs writes (the development keys), into a folder of
    // this test's own.
    let envDir: string;
    beforeAll(() => {
      envDir = mkdtempSync(path.join(tmpdir(), 'boucle-compose-env-'));
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'deploy/docker/compose-env.mjs'), '--out', envDir],
        {
          stdio: 'ignore',
        },
      );
    });
    afterAll(() => rmSync(envDir, { recursive: true, force: true }));

    /** Compose's env file: KEY='value' taken literally, KEY=value trimmed. */
    function envFile(file: string): Record<string, string> {
      const entries = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => {
          const [, key, value] = /^([A-Z0-9_]+)=(.*)$/.exec(l)!;
          const quoted = /^'(.*)'$/.exec(value!);
          return [key!, quoted ? quoted[1]! : value!.trim()];
        });
      return Object.fromEntries(entries) as Record<string, string>;
    }

    function environment(name: string): Record<string, string> {
      const service = compose.services[name]!;
      const files = (service.env_file ?? []).map((f) => {
        // Generated, never committed: under .boucle/, which .gitignore leaves out.
        expect(f.path.startsWith('.boucle/')).toBe(true);
        return envFile(path.join(envDir, path.basename(f.path)));
      });
      return Object.assign({}, ...files, service.environment) as Record<string, string>;
    }

    function hostsOf(env: Record<string, string>): string[] {
      return ['DATABASE_URL', 'NATS_URL', 'REDIS_URL']
        .filter((k) => env[k])
        .map((k) => new URL(env[k]!).hostname);
    }

    it('should have .gitignore leave the generated env files out', () => {
      expect(readRepoFile('.gitignore').split('\n')).toContain('.boucle/');
    });

    it('should start the inventory against the composed PostgreSQL, NATS and Redis', () => {
      const env = environment('inventory');
      const config = loadInventoryConfig(env);
      expect(config.HTTP_PORT).toBe(3001);
      for (const host of hostsOf(env)) expect(Object.keys(compose.services)).toContain(host);
      expect(compose.services.inventory!.depends_on).toEqual(
        expect.objectContaining({
          postgres: expect.anything(),
          nats: expect.anything(),
          redis: expect.anything(),
        }),
      );
    });

    it('should start matching against the composed PostgreSQL, NATS and Redis, with a personal data key of its own', () => {
      const env = environment('matching');
      // Production, so that its configuration refuses to fall back on the development key.
      expect(env.NODE_ENV).toBe('production');
      const config = loadMatchingConfig(env);
      expect(config.HTTP_PORT).toBe(3003);
      expect(new URL(env.DATABASE_URL!).pathname).toBe('/matching');
      expect(config.PERSONAL_DATA_KEYS).toHaveLength(1);
      for (const host of hostsOf(env)) expect(Object.keys(compose.services)).toContain(host);
      expect(compose.services.matching!.depends_on).toEqual(
        expect.objectContaining({
          postgres: expect.anything(),
          nats: expect.anything(),
          redis: expect.anything(),
        }),
      );
    });

    it('should keep the personal data key compose-env.mjs wrote before, so that what it sealed stays readable', () => {
      const before = environment('matching').PERSONAL_DATA_KEYS;
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'deploy/docker/compose-env.mjs'), '--out', envDir],
        { stdio: 'ignore' },
      );
      expect(environment('matching').PERSONAL_DATA_KEYS).toBe(before);
      // Another machine (another folder) gets a key of its own.
      const elsewhere = mkdtempSync(path.join(tmpdir(), 'boucle-compose-env-'));
      try {
        execFileSync(
          process.execPath,
          [path.join(ROOT, 'deploy/docker/compose-env.mjs'), '--out', elsewhere],
          { stdio: 'ignore' },
        );
        expect(envFile(path.join(elsewhere, 'matching.env')).PERSONAL_DATA_KEYS).not.toBe(before);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });

    it('should start the gateway with the development sign-in provider and signing key', () => {
      const env = environment('gateway');
      const config = loadGatewayConfig(env);
      expect(config).toMatchObject({
        HTTP_PORT: 3000,
        AUTH_ISSUER: 'boucle-dev',
        AUTH_AUDIENCE: 'boucle',
      });
      expect(config.AUTH_PUBLIC_KEYS?.length).toBe(1);
      for (const host of hostsOf(env)) expect(Object.keys(compose.services)).toContain(host);
    });
  });
});
