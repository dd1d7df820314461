import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NatsConnection } from '@nats-io/transport-node';
import { Logger } from 'nestjs-pino';
import { GatewayModule, NATS } from './app.module.js';
import { Readiness } from './health/readiness.js';
import type { GatewayConfig } from './config/gateway.config.js';
import { consoleSignIn, registerConsole } from './console/console.js';
import { registerDocuments } from './documents/documents.js';
import { openApiDocument } from './openapi/openapi.js';
import { problem, type Problem } from './problems/problem.js';
import { Dispatcher, send, type HttpRequest, type HttpResponse } from './routes/dispatcher.js';
import {
  EVENTS_PATH,
  EventsHttp,
  type EventsRequest,
  type EventsResponse,
} from './events/events.http.js';
import { ROUTES } from './routes/routes.js';

/** Bodies people send are forms, not files: photos travel by reference. */
const BODY_LIMIT = '256kb';

/** The gateway: `/v1` over the services' request/reply contracts; `/openapi.json`, `/asyncapi.json`, `/docs`. */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', trustProxy(config.TRUST_PROXY));
  // What the server runs on is nobody's business.
  app.disable('x-powered-by');
  // Browsers may call the API from the console's pages only; other clients are not browsers.
  app.enableCors({
    origin: config.CORS_ORIGINS,
    methods: ['GET', 'POST'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'if-match',
      'if-none-match',
      'last-event-id',
    ],
    exposedHeaders: [
      'etag',
      'link',
      // Where a reservation still asked (202) is read again.
      'location',
      'retry-after',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
    ],
    maxAge: 600,
  });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  const http = app.getHttpAdapter();
  const dispatcher = app.get(Dispatcher);
  for (const route of ROUTES) {
    http[route.method](route.path, (req: HttpRequest, res: HttpResponse) => {
      void dispatcher.handle(route, req, res);
    });
  }
  const events = app.get(EventsHttp);
  http.get(EVENTS_PATH, (req: EventsRequest, res: EventsResponse) => {
    void events.handle(req, res);
  });
  const document = openApiDocument(ROUTES);
  http.get('/openapi.json', (_req: unknown, res: HttpResponse) => res.status(200).json(document));
  registerDocuments(http);
  registerConsole(http, consoleSignIn(config));
  http.get('/health/live', (_req: unknown, res: HttpResponse) =>
    res.status(200).json({ status: 'ok' }),
  );
  const readiness = app.get(Readiness);
  http.get('/health/ready', (_req: unknown, res: HttpResponse) => {
    const reason = readiness.reason();
    res
      .status(reason === null ? 200 : 503)
      .json(reason === null ? { status: 'ok' } : { status: 'unavailable', reason });
  });
  // A request the gateway cannot read is the sender's problem, never a 500.
  const malformedRequest = (
    error: { status?: number; type?: string; message?: string },
    _req: unknown,
    res: HttpResponse,
    next: (e: unknown) => void,
  ) => {
    const unreadable = unreadableRequest(error);
    if (unreadable) return send(res, unreadable);
    next(error);
  };
  app.use(malformedRequest);
  // Any other path: a problem like the rest, not the framework's own page.
  app.use((_req: unknown, res: HttpResponse) =>
    send(res, problem(404, 'not-found', 'No such route', 'see /openapi.json for the routes')),
  );
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.init();
  const nc = app.get<NatsConnection>(NATS);
  app.get(Logger).log(`gateway ready (${ROUTES.length} routes); NATS ${nc.getServer()}`);
  return app;
}

/** Express's `trust proxy` from its text form: a boolean, a hop count, or addresses. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** What the body parser and the router refuse, as the problem it is for the sender. */
function unreadableRequest(error: {
  status?: number;
  type?: string;
  message?: string;
}): Problem | undefined {
  switch (error.type ?? '') {
    case 'entity.too.large':
      return problem(413, 'too-large', 'The body is too large', `at most ${BODY_LIMIT}`);
    case 'entity.parse.failed':
      return problem(400, 'malformed', 'The body is not JSON', 'send a JSON object');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return problem(
        415,
        'unsupported-media-type',
        'The body is in an encoding this API does not read',
        'send JSON in UTF-8, uncompressed or gzip/deflate',
      );
    default:
      break;
  }
  if (error.status === 400 && /decode param/i.test(error.message ?? ''))
    return problem(400, 'malformed', 'The path is not valid', 'a path segment is not well encoded');
  if (error.status !== undefined && error.status >= 400 && error.status < 500)
    return problem(error.status, 'malformed', 'The request cannot be read', error.message ?? '');
  return undefined;
}
