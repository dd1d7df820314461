// Builds one service into a single ESM file that plain `node` runs:
//   node scripts/build-service.mjs <service>  →  dist/services/<service>/main.js (+ .map)
// and each worker thread's entry, `src/**/<name>.worker.ts`, into `<name>.worker.js` beside
// it (the service starts it from `new URL('./<name>.worker.js', import.meta.url)`).
//
// esbuild bundles the service with the workspace libraries it imports (`@boucle/*`, mapped
// to their sources by tsconfig `paths`) and leaves every npm package external, loaded from
// node_modules at run time. esbuild cannot emit decorator metadata, and Nest's dependency
// injection reads constructor types from `design:paramtypes`, so each TypeScript file is
// first compiled by SWC with the options the tests use (jest.preset.js); esbuild only
// bundles the result. scripts/service-prelude.mjs runs before the service's own code (why:
// see that file).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { transform } from '@swc/core';

const service = process.argv[2];
if (!service || !/^[a-z][a-z0-9-]*$/.test(service)) {
  console.error('usage: node scripts/build-service.mjs <service>');
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, '..');
const projectRoot = path.join(root, 'services', service);
const outdir = path.join(root, 'dist', 'services', service);

/** @type {import('@swc/core').Options} */
const swcOptions = {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'es6' },
  // Inline, so that esbuild chains it into the bundle's map.
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};

/** @type {import('esbuild').Plugin} */
const swcDecorators = {
  name: 'swc-decorators',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const { code } = await transform(source, { ...swcOptions, filename: args.path });
      return { contents: code, loader: 'js' };
    });
  },
};

// A worker thread runs a file of its own, so each one is an entry point, bundled whole.
const entryPoints = { main: path.join(projectRoot, 'src', 'main.ts') };
const sources = await readdir(path.join(projectRoot, 'src'), { recursive: true });
for (const file of sources.filter((f) => f.endsWith('.worker.ts')).sort()) {
  const name = path.basename(file, '.ts');
  if (entryPoints[name]) {
    console.error(`two workers are named ${name}.ts: each must have a name of its own in dist`);
    process.exit(1);
  }
  entryPoints[name] = path.join(projectRoot, 'src', file);
}

const result = await build({
  absWorkingDir: root,
  entryPoints,
  inject: [path.join(root, 'scripts', 'service-prelude.mjs')],
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // npm packages stay in node_modules; `@boucle/*` resolve through tsconfig paths first,
  // so the workspace libraries are bundled from source.
  packages: 'external',
  tsconfig: path.join(projectRoot, 'tsconfig.json'),
  // Nest names providers, log contexts and errors after classes; keep them as written.
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  plugins: [swcDecorators],
  logLevel: 'warning',
});

const bundled = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules'));
const external = new Set(
  Object.values(result.metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  ),
);
for (const lib of [...external].filter((p) => p.startsWith('@boucle/'))) {
  console.error(`${lib} was left external: it would load TypeScript sources at run time`);
  process.exit(1);
}
const kB = (name) =>
  Math.round(
    (result.metafile.outputs[path.relative(root, path.join(outdir, `${name}.js`))]?.bytes ?? 0) /
      1024,
  );
const workers = Object.keys(entryPoints).filter((name) => name !== 'main');
console.log(
  `${service}: ${bundled.length} source files → ${path.relative(root, outdir)}/main.js` +
    ` (${kB('main')} kB, ${external.size} external packages)` +
    workers.map((name) => `, ${name}.js (${kB(name)} kB)`).join(''),
);
