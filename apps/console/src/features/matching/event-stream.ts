import { sessionStore } from '../../session/session';

/** One server-sent event as the gateway frames it: its id, its name and its JSON data. */
export interface StreamEvent {
  id?: string;
  event: string;
  data: unknown;
}

/**
 * The complete frames of a `text/event-stream` read so far, and what is left of a frame
 * still arriving. Comments (heartbeats) and `retry:` lines carry nothing to show; an `id:`
 * alone (a heartbeat past unseen events) still moves the position a reconnection resumes from.
 */
export function parseFrames(buffer: string): {
  events: StreamEvent[];
  lastId?: string;
  rest: string;
} {
  const normalised = buffer.replace(/\r\n?/g, '\n');
  const frames = normalised.split('\n\n');
  const rest = frames.pop() ?? '';
  const events: StreamEvent[] = [];
  let lastId: string | undefined;
  for (const frame of frames) {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (id !== undefined) lastId = id;
    if (!data.length) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      parsed = data.join('\n');
    }
    events.push({ ...(id !== undefined ? { id } : {}), event, data: parsed });
  }
  return { events, rest, ...(lastId !== undefined ? { lastId } : {}) };
}

/** How long before a dropped stream is opened again. */
const RECONNECT_MS = 3_000;

/**
 * Follows `GET /v1/events?<query>` until `signal` aborts: each event is handed to
 * `onEvent`, and a dropped stream is opened again from the last id received. The bearer
 * goes in the Authorization header (EventSource cannot send it), hence fetch.
 * `onOpen` tells when the stream is there again: what happened meanwhile is read again.
 */
export function followEvents(
  query: string,
  handlers: { onEvent: (event: StreamEvent) => void; onOpen?: () => void },
  signal: AbortSignal,
): void {
  let lastId: string | undefined;
  const run = async () => {
    while (!signal.aborted) {
      const session = sessionStore.get();
      if (!session) return;
      let ended = false;
      try {
        const response = await fetch(`/v1/events?${query}`, {
          headers: {
            Authorization: `Bearer ${session.token}`,
            Accept: 'text/event-stream',
            ...(lastId ? { 'Last-Event-ID': lastId } : {}),
          },
          signal,
        });
        if (response.status === 401) return sessionStore.signOut('expired');
        // Another's reservation, a role that may not follow it: nothing to wait for.
        if (response.status === 403 || response.status === 404) return;
        if (response.ok && response.body) {
          handlers.onOpen?.();
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            const parsed = parseFrames(buffer + value);
            buffer = parsed.rest;
            if (parsed.lastId) lastId = parsed.lastId;
            for (const event of parsed.events) {
              if (event.event === 'end') ended = true;
              handlers.onEvent(event);
            }
          }
        }
      } catch {
        // Aborted, or the connection dropped: tried again below unless aborted.
      }
      if (signal.aborted || ended) return;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  };
  void run();
}
