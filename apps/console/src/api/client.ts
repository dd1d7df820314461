import createClient, { type Middleware } from 'openapi-fetch';
import { sessionStore } from '../session/session';
import { ApiProblem, localProblem, problemFrom } from './problem';
import type { paths } from './schema';

/**
 * The one client of the gateway's `/v1`, typed from its OpenAPI document: a path, a
 * parameter or a field the API no longer has fails the type-check.
 */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });

const bearer: Middleware = {
  onRequest({ request }) {
    const session = sessionStore.get();
    // A request that brings its own token (the sign-in page trying one) keeps it.
    if (session && !request.headers.has('Authorization'))
      request.headers.set('Authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    // The token expired or was refused: the person signs in again (entries kept offline wait).
    if (response.status === 401 && sessionStore.get()) sessionStore.signOut('expired');
    return response;
  },
};
api.use(bearer);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's data, or an `ApiProblem`: the gateway's problem, or `network` when no
 * answer came (offline, a cut connection), in which case nothing is known of the outcome.
 */
export async function unwrap<T>(
  pending: Promise<Answer<T>>,
): Promise<{ data: T; response: Response }> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch (error) {
    if (error instanceof ApiProblem) throw error;
    throw new ApiProblem(
      localProblem('network', error instanceof Error ? error.message : String(error)),
    );
  }
  const { data, error, response } = answer;
  if (!response.ok) throw new ApiProblem(problemFrom(error, response), response);
  return { data: data as T, response };
}

/** A fresh key for one submission: the gateway answers the same key's retries once. */
export function idempotencyKey(): string {
  // randomUUID is only given to secure pages; a counter may reach the gateway over plain
  // HTTP on its own network, where getRandomValues still is.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
