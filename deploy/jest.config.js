// The deploy folder's checks: Compose, Kubernetes and Docker files read, rendered and
// validated, with no Docker engine or cluster. Unit tests only (`*.spec.ts` in test/), and
// no shared global setup: nothing here talks to PostgreSQL, Redis or NATS.
import { createJestConfig } from '../jest.preset.js';

const preset = createJestConfig(import.meta.dirname);
const unit = preset.projects.find((p) => p.displayName === 'unit');

export default {
  maxWorkers: preset.maxWorkers,
  testTimeout: 60_000,
  projects: [{ ...unit, testMatch: ['<rootDir>/test/**/*.spec.ts'] }],
};
