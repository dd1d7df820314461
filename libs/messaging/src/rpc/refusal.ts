import { Logger } from '@nestjs/common';
import type { RpcErrorBody, RpcErrorCode } from '@boucle/contracts';
import type { z } from 'zod';

/** A refusal the caller can act on; travels back as a typed error answer. */
export class Refusal extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly extra: Omit<RpcErrorBody, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }

  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/** Every broken rule of a request, each naming its field. */
export function validationRefusal(error: z.ZodError): Refusal {
  const at = (path: PropertyKey[]) => path.map(String).join('.') || '(request)';
  const issues = error.issues.flatMap((issue) => {
    // Name each unknown field itself, not the object it was found in.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: at([...issue.path, key]),
        message: 'unknown field',
      }));
    }
    return [{ path: at(issue.path), message: issue.message }];
  });
  return new Refusal('validation', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
    issues,
  });
}

/**
 * Database guards whose firing means something the caller can act on, by constraint
 * name: a service registers its own (a balance that would go below zero is
 * `insufficient-quantity`, not a crash).
 */
const constraintRefusals = new Map<string, { code: RpcErrorCode; message: string }>();

export function registerConstraintRefusal(
  constraint: string,
  refusal: { code: RpcErrorCode; message: string },
): void {
  constraintRefusals.set(constraint, refusal);
}

const logger = new Logger('Rpc');

/**
 * What the caller is told of a failure. Refusals travel as they are; the database's
 * own guards become refusals; anything else is logged and answered as `internal`,
 * never with its details.
 */
export function refusalBody(error: unknown, subject: string): RpcErrorBody {
  if (error instanceof Refusal) return error.toBody();
  const e = error as { code?: string; constraint?: string; message?: string } | null;
  const code = e?.code;
  const constraint = e?.constraint ?? /constraint "([^"]+)"/.exec(e?.message ?? '')?.[1];
  const registered = constraint !== undefined ? constraintRefusals.get(constraint) : undefined;
  if (registered) return { ...registered };
  // Data exceptions: a value the database cannot take (a NUL character, a date out of range).
  if (code?.startsWith('22')) {
    return { code: 'validation', message: 'a value is out of the range the record accepts' };
  }
  switch (code) {
    case '23514':
      return { code: 'validation', message: 'a value breaks a rule of the record it belongs to' };
    case '40P01':
    case '40001':
      return {
        code: 'conflict',
        message: 'another change to the same data was under way: try again',
      };
    case '23505':
      return { code: 'conflict', message: 'this already exists' };
    case '23503':
      return { code: 'not-found', message: 'a referenced record does not exist' };
    case undefined:
    default:
      logger.error(`${subject}: ${describeUnexpected(error)}`);
      return { code: 'internal', message: 'internal error' };
  }
}

/**
 * The kind of failure and where it happened, not its message: a database error's message
 * can quote the statement's values and the failing row, which may be personal data.
 */
function describeUnexpected(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const e = error as Error & { code?: string; constraint?: string };
  const database = e.code !== undefined && /^[0-9A-Z]{5}$/.test(e.code);
  const where = (e.stack ?? '').split('\n').slice(1, 8).join('\n');
  return database
    ? `${e.name} (SQLSTATE ${e.code}${e.constraint ? `, ${e.constraint}` : ''})\n${where}`
    : (e.stack ?? `${e.name}: ${e.message}`);
}
