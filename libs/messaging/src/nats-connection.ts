import type { ConnectionOptions } from '@nats-io/transport-node';

/** How a service proves who it is to NATS; both unset on a server without authorization. */
export interface NatsCredentials {
  user?: string | undefined;
  password?: string | undefined;
}

/**
 * The reply inbox of every connection a service makes: NATS permissions allow each
 * service user only its own (`_INBOX_<service>.>`), so no one else can read the
 * replies to its requests, as everyone could under the shared `_INBOX.>`.
 */
export function serviceInboxPrefix(service: string): string {
  if (!/^[a-z0-9-]+$/.test(service))
    throw new Error(`service name "${service}" must be lowercase letters, digits and dashes`);
  return `_INBOX_${service}`;
}

/**
 * What every connection of a service passes to `connect` besides its servers: its name,
 * its own inbox and its credentials. The client ignores `user:pass@` in a URL, hence
 * the separate settings. Without async traces, the client no longer captures a stack
 * for every request and publish in case it fails: under load that capture was a tenth
 * of a relay's CPU, and a failed request still says which subject and why.
 */
export function serviceConnectOptions(
  service: string,
  credentials: NatsCredentials = {},
): Pick<ConnectionOptions, 'name' | 'inboxPrefix' | 'user' | 'pass' | 'noAsyncTraces'> {
  const { user, password } = credentials;
  if ((user === undefined) !== (password === undefined))
    throw new Error(`${service}: NATS_USER and NATS_PASSWORD are set together or not at all`);
  return {
    name: `boucle-${service}`,
    inboxPrefix: serviceInboxPrefix(service),
    noAsyncTraces: true,
    ...(user !== undefined && password !== undefined ? { user, pass: password } : {}),
  };
}
