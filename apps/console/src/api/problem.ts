import type { paths } from './schema';

/**
 * An RFC 9457 problem as the gateway answers it. Its schema comes from the API document;
 * `currentState` and `allowedStates` come with a 409 about a state (not yet documented
 * in the document, hence added here).
 */
export type Problem =
  paths['/v1/intakes']['post']['responses'][422]['content']['application/problem+json'] & {
    currentState?: string;
    allowedStates?: string[];
  };

/** The console's own problems, for what never reached the gateway. */
export type LocalProblemCode = 'network' | 'unexpected';

/** A refusal or failure the person reads: the gateway's problem, or the console's own. */
export class ApiProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly response?: Response,
  ) {
    super(problem.detail);
    this.name = 'ApiProblem';
  }

  get status(): number {
    return this.problem.status;
  }

  /** The last part of the problem's type: `validation`, `not-found`, `invalid-transition`… */
  get code(): string {
    return codeOf(this.problem);
  }

  /** The network failed: nothing is known of what the gateway did. */
  get offline(): boolean {
    return this.code === 'network';
  }
}

export function codeOf(problem: Problem): string {
  // `https://boucle.example/problems/<code>` from the gateway, `about:blank#<code>` from the console.
  return problem.type.slice(
    Math.max(problem.type.lastIndexOf('/'), problem.type.lastIndexOf('#')) + 1,
  );
}

export function localProblem(code: LocalProblemCode, detail: string): Problem {
  return { type: `about:blank#${code}`, title: code, status: 0, detail };
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).type === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

/** A problem from whatever an error answer's body was (a proxy's HTML page is not one). */
export function problemFrom(body: unknown, response: Response): Problem {
  if (isProblem(body)) return { ...body, detail: body.detail ?? '', title: body.title ?? '' };
  return {
    type: 'about:blank#unexpected',
    title: response.statusText,
    status: response.status,
    detail: `HTTP ${response.status}`,
  };
}

/**
 * The messages of a problem by the field they name (`tareKg`, `goods.0.serialNumber`),
 * as the form shows them next to each field. `(request)` names the whole request.
 */
export function fieldErrors(problem: Problem | undefined): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const { path, message } of problem?.errors ?? []) {
    byPath.set(path, [...(byPath.get(path) ?? []), message]);
  }
  return byPath;
}
