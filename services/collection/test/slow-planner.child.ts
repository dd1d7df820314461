/*
 * The collection service as the shutdown test runs it: a planner that never finishes on
 * its own (it says "planning" and waits for its abort signal), so that a SIGTERM always
 * finds a job in hand.
 */
import { runService } from '@boucle/service';
import { createCollectionApp } from '../src/app.js';
import { loadCollectionConfig } from '../src/config/collection.config.js';
import type { RoundPlanner } from '../src/rounds/planner.js';

const planner: RoundPlanner = {
  plan: (_problem, signal) =>
    new Promise((_resolve, reject) => {
      process.stdout.write('planning\n');
      signal?.addEventListener('abort', () =>
        reject(new Error(`aborted: ${String(signal.reason)}`)),
      );
    }),
};

await runService(
  () => loadCollectionConfig(),
  (config) => createCollectionApp(config, { planner }),
);
process.stdout.write('listening\n');
