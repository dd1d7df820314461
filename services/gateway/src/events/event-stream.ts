import type { Actor } from '@boucle/contracts';
import type { EventFilter } from './event-filter.js';
import type { EndReason, FeedEntry, Follower, ResetReason } from './event-fan-out.js';

/** The little of Node's HTTP response a stream writes to. */
export interface StreamResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders(): void;
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
}

export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/** How long a browser's EventSource waits before it reconnects. */
const RETRY_MS = 3_000;

const DETAILS: Record<ResetReason | EndReason, string> = {
  'position-unknown':
    'the events after Last-Event-ID are no longer kept: read again what you follow, then carry on from here',
  gap: 'events may have been missed: read again what you follow, then carry on from here',
  'too-far-behind':
    'more was missed than can be sent at once: read again what you follow, then carry on from here',
  'token-expired': 'the bearer token has expired: reconnect with a new one and Last-Event-ID',
  'access-ended': 'what this stream followed is no longer yours to see',
  shutdown: 'the gateway is stopping: reconnect with Last-Event-ID',
};

export interface EventStreamOptions {
  /** Unsent bytes past which the client is dropped rather than held in memory. */
  bufferBytes: number;
  /** When the person's token expires (ms since the epoch): the stream ends then. */
  expiresAt: number;
  /** Called once, however the stream ends: by the gateway, the client leaving, or a slow read. */
  onClose(stream: EventStream, why: EndReason | 'left' | 'slow'): void;
}

/**
 * One client's `text/event-stream`: domain events as `id`/`event`/`data` frames, a
 * comment as heartbeat (with an `id:` line once the feed has moved on, so that a client
 * whose filter skipped many events resumes from near the end rather than far back),
 * and two events of its own: `reset` (re-read what you follow) and `end` (why the
 * stream closes). A client that does not read is dropped once its unsent frames pass
 * the bound: the gateway's memory never grows with a slow reader, who reconnects with
 * Last-Event-ID.
 */
export class EventStream implements Follower {
  private lastId: string | undefined;
  private closed = false;
  private readonly expiry: NodeJS.Timeout;

  constructor(
    private readonly res: StreamResponse,
    readonly actor: Actor,
    readonly filter: EventFilter,
    private readonly options: EventStreamOptions,
  ) {
    res.writeHead(200, {
      'Content-Type': EVENT_STREAM_CONTENT_TYPE,
      'Cache-Control': 'no-store',
      // Proxies (nginx) would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    this.write(`retry: ${RETRY_MS}\n: following\n\n`);
    // setTimeout takes at most 2^31 - 1 ms; tokens live minutes, not weeks.
    const delay = Math.min(Math.max(0, options.expiresAt - Date.now()), 2 ** 31 - 1);
    this.expiry = setTimeout(() => this.end('token-expired'), delay);
    this.expiry.unref();
  }

  get ended(): boolean {
    return this.closed;
  }

  send(entry: FeedEntry): void {
    this.write(entry.frame);
    this.lastId = entry.id;
  }

  mark(id: string | undefined): void {
    if (id === undefined || id === this.lastId) return;
    this.write(`id: ${id}\n\n`);
    this.lastId = id;
  }

  heartbeat(id: string | undefined): void {
    const moved = id !== undefined && id !== this.lastId;
    this.write(`: keep-alive\n${moved ? `id: ${id}\n` : ''}\n`);
    if (moved) this.lastId = id;
  }

  reset(reason: ResetReason): void {
    this.write(control('reset', reason));
  }

  end(reason: EndReason): void {
    if (this.closed) return;
    this.write(control('end', reason));
    this.close(reason);
    this.res.end();
  }

  /** The client went away, or the stream ended: nothing more is written. */
  close(why: EndReason | 'left' | 'slow' = 'left'): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiry);
    this.options.onClose(this, why);
  }

  private write(text: string): void {
    if (this.closed) return;
    this.res.write(text);
    if (this.res.writableLength > this.options.bufferBytes) {
      this.close('slow');
      this.res.destroy();
    }
  }
}

function control(event: 'reset' | 'end', reason: ResetReason | EndReason): string {
  return `event: ${event}\ndata: ${JSON.stringify({ reason, detail: DETAILS[reason] })}\n\n`;
}
