// Shared Jest setup: native ESM, TypeScript through SWC (with legacy decorators and
// their metadata, which NestJS and MikroORM read at run time). Every project has two
// Jest projects: `unit` (*.spec.ts, no I/O) and `integration` (*.int-spec.ts, real
// PostgreSQL, Redis and NATS).
import path from 'node:path';

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const root = import.meta.dirname;

const aliases = Object.fromEntries(
  ['contracts', 'config', 'database', 'messaging', 'routing', 'testing'].map((lib) => [
    `^@boucle/${lib}$`,
    path.join(root, 'libs', lib, 'src', 'index.ts'),
  ]),
);

function project(dir, name, testMatch, extra = {}) {
  return {
    displayName: name,
    rootDir: dir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: { '^.+\\.ts$': swc },
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', ...aliases },
    testMatch,
    ...extra,
  };
}

export function createJestConfig(dir) {
  return {
    // Integration files each own a database and a subject prefix, so they run in parallel.
    maxWorkers: 2,
    // Integration tests wait on conditions with their own deadlines; this only stops a hang.
    testTimeout: 180_000,
    globalSetup: path.join(root, 'libs/testing/global-setup.js'),
    globalTeardown: path.join(root, 'libs/testing/global-teardown.js'),
    projects: [
      project(dir, 'unit', ['<rootDir>/src/**/*.spec.ts']),
      project(dir, 'integration', ['<rootDir>/src/**/*.int-spec.ts', '<rootDir>/test/**/*.int-spec.ts'], {
      }),
    ],
  };
}
