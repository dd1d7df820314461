import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { problem } from '../problems/problem.js';
import { send, type HttpResponse } from '../routes/dispatcher.js';
import { EventFeed } from './event-feed.service.js';
import { EventStream, type StreamResponse } from './event-stream.js';
import { EventsService, type Opening } from './events.service.js';

export const EVENTS_PATH = '/v1/events';

export interface EventsRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  ip?: string;
}

export type EventsResponse = StreamResponse &
  HttpResponse & {
    on(event: 'close', listener: () => void): unknown;
    readonly destroyed: boolean;
    readonly headersSent: boolean;
  };

/**
 * `GET /v1/events`: the request read, the opening decided by `EventsService`, then the
 * response handed to the feed as a `text/event-stream` until one side ends it. The
 * bearer token travels in the Authorization header only (never in the URL, where logs
 * and proxies keep it): a browser's EventSource cannot set it, the console reads the
 * stream with fetch.
 */
@Injectable()
export class EventsHttp {
  private readonly logger = new Logger('Events');

  constructor(
    private readonly events: EventsService,
    private readonly feed: EventFeed,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async handle(req: EventsRequest, res: EventsResponse): Promise<void> {
    try {
      await this.open(req, res);
    } catch (error) {
      // A fault of the gateway's own: logged, never left as an unhandled rejection.
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      if (!res.headersSent)
        send(res, problem(500, 'internal', 'The gateway failed', 'the failure is logged'));
      else res.destroy();
    }
  }

  private async open(req: EventsRequest, res: EventsResponse): Promise<void> {
    const opening = await this.events.open({
      authorization: header(req, 'authorization'),
      address: req.ip ?? 'unknown',
      query: req.query,
      lastEventId: header(req, 'last-event-id'),
    });
    for (const [name, value] of Object.entries(opening.headers)) res.setHeader(name, value);
    if (!opening.ok) return send(res, opening.problem);
    try {
      this.start(opening, res);
    } finally {
      // In the feed now (or gone): it counts there, no longer as being opened.
      opening.release();
    }
  }

  private start(opening: Extract<Opening, { ok: true }>, res: EventsResponse): void {
    // The client left while its rights were being checked.
    if (res.destroyed) return;
    const stream = new EventStream(res, opening.actor, opening.filter, {
      bufferBytes: this.config.EVENTS_CLIENT_BUFFER_BYTES,
      expiresAt: opening.expiresAt,
      onClose: (closed, why) => {
        this.feed.unfollow(closed);
        if (why === 'slow')
          this.logger.warn(
            `event stream of ${opening.actor.userId} dropped: more than ${this.config.EVENTS_CLIENT_BUFFER_BYTES} bytes unread`,
          );
      },
    });
    res.on('close', () => stream.close());
    if (!stream.ended) this.feed.follow(stream, opening.after);
  }
}

function header(req: EventsRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
