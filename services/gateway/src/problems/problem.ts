import type { RpcErrorBody } from '@boucle/contracts';

/** An RFC 9457 problem: what went wrong, for whom to read, naming the fields at fault. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  currentState?: string;
  allowedStates?: string[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const BY_CODE: Record<RpcErrorBody['code'], { status: number; title: string }> = {
  unauthenticated: { status: 401, title: 'Not authenticated' },
  validation: { status: 422, title: 'The request breaks a rule' },
  'not-found': { status: 404, title: 'Not found' },
  forbidden: { status: 403, title: 'Not allowed' },
  'invalid-transition': { status: 409, title: 'Not possible in its current state' },
  'insufficient-quantity': { status: 409, title: 'Not enough stock' },
  conflict: { status: 409, title: 'In conflict with another change' },
  'precondition-failed': { status: 412, title: 'Changed since you read it' },
  internal: { status: 502, title: 'A service failed to answer properly' },
};

/** A service's refusal as the person's problem; a service's own failure is never their fault. */
export function problemOf(error: RpcErrorBody): Problem {
  const { status, title } = BY_CODE[error.code];
  return {
    type: `https://boucle.example/problems/${error.code}`,
    title,
    status,
    detail: error.message,
    ...(error.issues ? { errors: error.issues } : {}),
    ...(error.currentState !== undefined ? { currentState: error.currentState } : {}),
    ...(error.allowedStates ? { allowedStates: error.allowedStates } : {}),
  };
}

export function problem(
  status: number,
  code: string,
  title: string,
  detail: string,
  errors?: { path: string; message: string }[],
): Problem {
  return {
    type: `https://boucle.example/problems/${code}`,
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
}
