import { Counter, Histogram, type Registry } from 'prom-client';
import { RPC_ERROR_CODES } from '@boucle/contracts';
import type { GroupCommitOptions } from './group-commit.js';
import type { RpcReplyObserver } from './rpc-server.js';

const OUTCOMES = new Set<string>([...RPC_ERROR_CODES, 'internal']);

/**
 * `boucle_rpc_request_duration_seconds{subject,outcome}` on `registry`, fed by
 * the `RpcServer` it is given to: `subject` is the contract subject, `outcome`
 * `ok` or the error code the caller received.
 */
export function rpcRequestMetrics(registry: Registry): RpcReplyObserver {
  const duration = new Histogram({
    name: 'boucle_rpc_request_duration_seconds',
    help: 'Time from a request arriving to its answer leaving, by contract subject and outcome (ok or the error code answered).',
    labelNames: ['subject', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return ({ subject, error, seconds }) => {
    const code = (error as { code?: unknown } | null)?.code;
    // Only the codes of the contract: a label never takes an unbounded set of values.
    const outcome =
      error === undefined
        ? 'ok'
        : typeof code === 'string' && OUTCOMES.has(code)
          ? code
          : 'internal';
    duration.observe({ subject, outcome }, seconds);
  };
}

/**
 * `boucle_group_commit_commands` (how many commands each shared commit answered) and
 * `boucle_group_commit_refused_total` (commands refused inside a shared transaction, whose
 * savepoint alone rolled back), on `registry`.
 */
export function groupCommitMetrics(
  registry: Registry,
): NonNullable<GroupCommitOptions['onCommit']> {
  const size = new Histogram({
    name: 'boucle_group_commit_commands',
    help: 'Commands answered by one shared commit.',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'boucle_group_commit_refused_total',
    help: 'Commands refused inside a shared transaction: their savepoint rolled back, the others committed.',
    registers: [registry],
  });
  return ({ commands, refused: refusals }) => {
    size.observe(commands);
    if (refusals > 0) refused.inc(refusals);
  };
}
