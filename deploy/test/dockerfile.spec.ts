// deploy/docker/Dockerfile, read without a Docker engine: a multi-stage build whose last
// stage holds only the compiled service, its production packages and package.json, runs
// as an unprivileged user and says how to check its health; and .dockerignore, which must
// let in what the build copies and keep out what this machine installed or built.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { copies, last, parseDockerfile, type Stage } from './dockerfile.js';
import { readRepoFile, ROOT } from './manifests.js';

const DOCKERFILE = 'deploy/docker/Dockerfile';
const dockerfile = parseDockerfile(readRepoFile(DOCKERFILE));
const runtime = last(dockerfile.stages);
const stage = (name: string): Stage => {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const runs = (s: Stage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

/** The workspaces of the root package.json, expanded (`libs/*` → libs/config, ...). */
function workspaces(): string[] {
  const { workspaces: globs } = JSON.parse(readRepoFile('package.json')) as {
    workspaces: string[];
  };
  return globs.flatMap((glob) => {
    const parent = glob.replace(/\/\*$/, '');
    if (!existsSync(path.join(ROOT, parent))) return [];
    return readdirSync(path.join(ROOT, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${parent}/${d.name}`);
  });
}

describe(DOCKERFILE, () => {
  it('should build in several stages and run on Node 24, slim or alpine', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.image).toMatch(/^node:24(\.\d+)*-(slim|alpine)/);
    // The last stage starts from a plain image, not from a stage holding the build tools.
    expect(dockerfile.stages.map((s) => s.name)).not.toContain(runtime.image);
  });

  it('should install with the lockfile, then bundle with scripts/build-service.mjs', () => {
    expect(runs(stage('deps')).join('\n')).toMatch(/npm ci\b/);
    expect(runs(stage('build')).join('\n')).toMatch(
      /node scripts\/build-service\.mjs "?\$\{?SERVICE\}?"?/,
    );
  });

  it('should install only production packages for the image', () => {
    const install = runs(stage('runtime-deps')).join('\n');
    expect(install).toMatch(/npm ci\b.*--omit=dev/);
    // The libraries a service may bundle, libs/testing aside.
    const libs = workspaces().filter((w) => w.startsWith('libs/') && w !== 'libs/testing');
    for (const lib of libs)
      expect({ lib, installed: install.includes(`--workspace ${lib}`) }).toEqual({
        lib,
        installed: true,
      });
    expect(install).not.toMatch(/--workspace libs\/testing/);
  });

  it("should give npm every workspace's package.json, which `npm ci` checks the lockfile against", () => {
    const copied = copies(stage('manifests')).flatMap((c) => c.sources);
    for (const workspace of workspaces()) expect(copied).toContain(`${workspace}/package.json`);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
  });

  it('should copy into the last stage only the bundle, production packages, package files and the health check', () => {
    const allowed = [
      { from: 'runtime-deps', source: /^\/src\/node_modules\/?$/ },
      { from: 'build', source: /^\/src\/dist\/services\/\$\{SERVICE\}\/?$/ },
      { from: 'build', source: /^\/src\/package\.json$/ },
      { from: undefined, source: /^deploy\/docker\/healthcheck\.mjs$/ },
    ];
    const copied = copies(runtime);
    expect(copied.length).toBeGreaterThan(0);
    for (const c of copied) {
      for (const source of c.sources) {
        const ok = allowed.some((a) => a.from === c.from && a.source.test(source));
        expect({ line: c.line, from: c.from, source, allowed: ok }).toEqual({
          line: c.line,
          from: c.from,
          source,
          allowed: true,
        });
      }
    }
    expect(runtime.instructions.some((i) => i.keyword === 'RUN')).toBe(false);
  });

  it('should run as a numeric non-root user, in production mode, with a health check', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    const user = last(users).split(':')[0]!;
    // Numeric, so that Kubernetes' runAsNonRoot can check it.
    expect(user).toMatch(/^\d+$/);
    expect(Number(user)).toBeGreaterThan(0);
    const env = runtime.instructions
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    const healthcheck = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \[?"?node"?,? "?healthcheck\.mjs"?/);
    const cmd = runtime.instructions.find((i) => i.keyword === 'CMD');
    expect(JSON.parse(cmd!.args)).toEqual(['node', '--enable-source-maps', 'dist/main.js']);
  });
});

/** A .dockerignore pattern as a regular expression: `*` within one path segment. */
function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

describe('.dockerignore', () => {
  const patterns = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('should leave out everything but what is let back in, and never node_modules or dist', () => {
    expect(patterns[0]).toBe('*');
    expect(patterns).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
    // Exclusions after the exceptions win, so they must come last.
    const lastException = patterns.map((p) => p.startsWith('!')).lastIndexOf(true);
    expect(patterns.indexOf('**/node_modules')).toBeGreaterThan(lastException);
  });

  it('should let in every file the Dockerfile copies from the build context', () => {
    const exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    const fromContext = dockerfile.stages.flatMap((s) =>
      copies(s).filter((c) => c.from === undefined),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext.flatMap((c) => c.sources)) {
      const letIn = exceptions.some(
        (e) => source === e || (e.endsWith('/') && source.startsWith(e)) || glob(e).test(source),
      );
      // And it is there: a COPY of a missing file fails the build.
      const exists = existsSync(path.join(ROOT, source));
      expect({ source, letIn, exists }).toEqual({ source, letIn: true, exists: true });
    }
  });
});
