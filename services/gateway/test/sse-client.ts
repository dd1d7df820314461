import type { GatewaySystem } from './harness.js';

/*
 * A client reading `/v1/events` with fetch, as the console does, for the tests that follow
 * events: the stream parsed as the SSE specification says a browser's EventSource does.
 */

/** One event of a `text/event-stream`, as a browser's EventSource would dispatch it. */
export interface SseEvent {
  /** The stream's last event id when it was dispatched. */
  lastEventId: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

/** A client reading `/v1/events` with fetch, as the console does: SSE parsed by the spec. */
export interface Stream {
  status: number;
  type: string;
  /** The problem, when the stream was refused. */
  problem: Record<string, unknown>;
  events: SseEvent[];
  comments: string[];
  /** The last id the stream set, by an event or a heartbeat: what a reconnection sends. */
  lastEventId(): string | undefined;
  /** Resolves once the server has closed the stream. */
  closed: Promise<void>;
  close(): void;
}

const streams: Stream[] = [];

/** Closes every stream the file opened. */
export function closeStreams(): void {
  for (const stream of streams.splice(0)) stream.close();
}

export async function open(
  system: GatewaySystem,
  query: string,
  bearer: string | undefined,
  headers: Record<string, string> = {},
): Promise<Stream> {
  const abort = new AbortController();
  const response = await fetch(`${system.url}/v1/events${query}`, {
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let lastEventId: string | undefined;
  const stream: Stream = {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    problem: {},
    events,
    comments,
    lastEventId: () => lastEventId,
    closed: Promise.resolve(),
    close: () => abort.abort(),
  };
  streams.push(stream);
  if (response.status !== 200) {
    stream.problem = (await response.json()) as Record<string, unknown>;
    return stream;
  }
  stream.closed = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = '';
    let data: string[] = [];
    let id: string | undefined;
    try {
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 1);
          if (line === '') {
            // Dispatch: the id is set even when there is no data (a heartbeat's `id:`).
            if (id !== undefined) lastEventId = id;
            if (data.length > 0)
              events.push({
                lastEventId,
                event: event || 'message',
                data: JSON.parse(data.join('\n')) as Record<string, unknown>,
              });
            event = '';
            data = [];
            id = undefined;
          } else if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'id') id = value;
          }
        }
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  })();
  return stream;
}

/** Waits for a promise, but not for ever (a bound on waiting, not a sleep). */
export async function within<T>(promise: Promise<T>, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
