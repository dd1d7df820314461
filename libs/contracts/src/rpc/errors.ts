import { z } from 'zod';

/** The typed errors every request/reply answer may carry instead of a result. */
export const RPC_ERROR_CODES = [
  'unauthenticated',
  'validation',
  'not-found',
  'invalid-transition',
  'insufficient-quantity',
  'forbidden',
  'conflict',
  /** The object changed since the revision the caller read (If-Match). */
  'precondition-failed',
] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

export const RpcErrorSchema = z.object({
  code: z.enum([...RPC_ERROR_CODES, 'internal']),
  message: z.string(),
  /** For validation: one entry per broken rule, each naming its field. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** For invalid transitions: where the object is and where it may go. */
  currentState: z.string().optional(),
  allowedStates: z.array(z.string()).optional(),
});
export type RpcErrorBody = z.infer<typeof RpcErrorSchema>;
