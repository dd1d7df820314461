/**
 * `npm run bench:planner -- [options] [file.vrp ...]`
 *
 * Plans CVRP instances in TSPLIB format with the round planner's solver (the same
 * `solveVrp` that `planRounds` calls) and prints, per instance, the cost, the best
 * known cost (from the COMMENT line, or a `.sol` file beside the instance), the gap
 * and the time; the last line is one JSON object with `meanGapPct`, `maxSeconds` and
 * every instance. Without files it plans every `.vrp` in ../shared/data/cvrplib.
 *
 * Options: --time-limit <seconds> (default 1.8, per instance, parsing included),
 *          --seed <n> (default 1), --max-iterations <n>.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseTsplib, cvrpToVrp, solveVrp, verifyCvrpSolution } from '../src/index.js';

const DEFAULT_DIR = resolve(import.meta.dirname, '../../../../shared/data/cvrplib');

interface Row {
  name: string;
  customers: number;
  cost: number;
  bestKnown: number | null;
  gapPct: number | null;
  seconds: number;
  routes: number;
  iterations: number;
}

function parseArgs(argv: string[]): {
  files: string[];
  timeLimit: number;
  seed: number;
  maxIterations?: number;
} {
  const files: string[] = [];
  let timeLimit = 1.8;
  let seed = 1;
  let maxIterations: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): number => {
      const v = Number(argv[++i]!);
      if (!Number.isFinite(v) || v <= 0)
        throw new Error(`${a}: must be followed by a positive number`);
      return v;
    };
    if (a === '--time-limit') timeLimit = value();
    else if (a === '--seed') seed = value();
    else if (a === '--max-iterations') maxIterations = value();
    else if (a === '--') continue;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) {
    if (!existsSync(DEFAULT_DIR))
      throw new Error(`no instance given and ${DEFAULT_DIR} does not exist`);
    for (const f of readdirSync(DEFAULT_DIR).sort())
      if (f.endsWith('.vrp')) files.push(join(DEFAULT_DIR, f));
  }
  return { files, timeLimit, seed, ...(maxIterations !== undefined ? { maxIterations } : {}) };
}

function bestKnownFromSolution(file: string): number | null {
  const sol = join(dirname(file), basename(file, '.vrp') + '.sol');
  if (!existsSync(sol)) return null;
  const match = /^\s*Cost\s+(\d+(?:\.\d+)?)/im.exec(readFileSync(sol, 'utf8'));
  return match ? Number(match[1]!) : null;
}

function main(): void {
  const { files, timeLimit, seed, maxIterations } = parseArgs(process.argv.slice(2));
  const load = loadavg();
  console.log(
    `planner benchmark: ${files.length} instance(s), ${timeLimit} s each, seed ${seed}; ` +
      `load average ${load.map((l) => l.toFixed(2)).join(' ')} on this machine`,
  );
  console.log('instance            n      cost     best     gap %   seconds  routes  iterations');
  const rows: Row[] = [];
  for (const file of files) {
    const started = performance.now();
    const cvrp = parseTsplib(readFileSync(file, 'utf8'));
    const solution = solveVrp(cvrpToVrp(cvrp), {
      seed,
      timeLimitMs: Math.max(1, timeLimit * 1000 - (performance.now() - started)),
      ...(maxIterations !== undefined ? { maxIterations } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    // The cost is recomputed from the routes, independently of the solver's bookkeeping.
    const cost = verifyCvrpSolution(cvrp, solution.routes, solution.unserved);
    const bestKnown = cvrp.bestKnown ?? bestKnownFromSolution(file);
    const gapPct = bestKnown !== null ? (100 * (cost - bestKnown)) / bestKnown : null;
    const row: Row = {
      name: cvrp.name || basename(file),
      customers: cvrp.dimension - 1,
      cost,
      bestKnown,
      gapPct: gapPct !== null ? Math.round(gapPct * 1000) / 1000 : null,
      seconds: Math.round(seconds * 1000) / 1000,
      routes: solution.routes.filter((r) => r.length > 0).length,
      iterations: solution.iterations,
    };
    rows.push(row);
    console.log(
      `${row.name.padEnd(18)} ${String(row.customers).padStart(3)} ${String(row.cost).padStart(9)} ${String(bestKnown ?? '-').padStart(8)} ` +
        `${(gapPct === null ? '-' : gapPct.toFixed(2)).padStart(8)} ${seconds.toFixed(2).padStart(9)} ${String(row.routes).padStart(7)} ${String(row.iterations).padStart(11)}`,
    );
  }
  const gaps = rows.filter((r) => r.gapPct !== null).map((r) => r.gapPct!);
  const meanGapPct = gaps.length
    ? Math.round((gaps.reduce((a, b) => a + b, 0) / gaps.length) * 1000) / 1000
    : null;
  const maxSeconds = Math.max(...rows.map((r) => r.seconds));
  console.log(JSON.stringify({ meanGapPct, maxSeconds, loadAverage: load, instances: rows }));
}

main();
