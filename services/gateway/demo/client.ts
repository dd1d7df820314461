import type { Role } from '@boucle/contracts';

/** An HTTP answer as the demonstration reads it: a JSON body, or the text that came. */
export interface HttpAnswer {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

/** The gateway's API as the scenarios use it: the same shape as the test harness's `call`. */
export interface HttpClient {
  call(
    method: string,
    url: string,
    bearer?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer>;
}

/** Who signs in: what a bearer token says about the person. */
export interface SignIn {
  userId: string;
  role: Exclude<Role, 'system'>;
  organisationId: string | null;
}

/**
 * A bearer token for a person, from whichever sign-in provider the gateway trusts: the
 * development provider (`npm run demo`) or a test's own (`startGatewaySystem().person`).
 */
export type TokenSource = (person: SignIn) => Promise<string>;

/** The gateway at `baseUrl` over fetch. */
export function httpClient(baseUrl: string): HttpClient {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async call(method, url, bearer, body, headers = {}) {
      const response = await fetch(`${base}${url}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        body: parse(text),
      };
    },
  };
}

function parse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    // A proxy's error page, or nothing: shown as it came.
    return { text: text.slice(0, 2_000) };
  }
}
