import type { z } from 'zod';
import { InventoryError } from './errors.js';

/** Parses a command at the edge; every broken rule is reported with the field it concerns. */
export function parseCommand<TSchema extends z.ZodType>(
  schema: TSchema,
  input: unknown,
): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    const at = (path: PropertyKey[]) => path.map(String).join('.') || '(command)';
    // Name each unknown field itself, not the object it was found in.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: at([...issue.path, key]),
        message: 'unknown field',
      }));
    }
    return [{ path: at(issue.path), message: issue.message }];
  });
  return fail(issues);
}

function fail(issues: { path: string; message: string }[]): never {
  throw new InventoryError('validation', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
    issues,
  });
}
