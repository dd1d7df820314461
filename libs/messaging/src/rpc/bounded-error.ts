import type { RpcErrorBody } from '@boucle/contracts';

/** NATS refuses payloads over its maximum (1 MB by default): a refusal must always fit, with room to spare. */
export const MAX_ERROR_BYTES = 8 * 1024;
const MAX_MESSAGE = 1_000;
const MAX_PATH = 160;
const MAX_ISSUE_MESSAGE = 240;
const MAX_ISSUES = 10;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * An error answer cut to a size that always travels back. Without it a request
 * whose unknown field has a 1 MB name got no answer at all: the refusal quoted the
 * name twice and the reply was over the broker's limit, so the caller timed out.
 */
export function boundedErrorBody(body: RpcErrorBody): RpcErrorBody {
  const issues = body.issues?.slice(0, MAX_ISSUES).map((issue) => ({
    path: clip(issue.path, MAX_PATH),
    message: clip(issue.message, MAX_ISSUE_MESSAGE),
  }));
  const omitted = (body.issues?.length ?? 0) - (issues?.length ?? 0);
  const bounded: RpcErrorBody = {
    ...body,
    message: clip(body.message, MAX_MESSAGE) + (omitted > 0 ? ` (and ${omitted} more issues)` : ''),
    ...(issues ? { issues } : {}),
    ...(body.currentState !== undefined ? { currentState: clip(body.currentState, MAX_PATH) } : {}),
    ...(body.allowedStates
      ? { allowedStates: body.allowedStates.slice(0, 20).map((s) => clip(s, MAX_PATH)) }
      : {}),
  };
  // Characters are not bytes: shed issues until the encoded answer fits.
  while (Buffer.byteLength(JSON.stringify(bounded)) > MAX_ERROR_BYTES && bounded.issues?.length) {
    bounded.issues = bounded.issues.slice(0, -1);
  }
  if (Buffer.byteLength(JSON.stringify(bounded)) > MAX_ERROR_BYTES) {
    bounded.message = clip(bounded.message, 200);
  }
  return bounded;
}
