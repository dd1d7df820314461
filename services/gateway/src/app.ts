import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NatsConnection } from '@nats-io/transport-node';
import { Logger } from 'nestjs-pino';
import { GatewayModule, NATS } from './app.module.js';
import type { GatewayConfig } from './config/gateway.config.js';
import { openApiDocument } from './openapi/openapi.js';
import { problem } from './problems/problem.js';
import { Dispatcher, send, type HttpRequest, type HttpResponse } from './routes/dispatcher.js';
import { ROUTES } from './routes/routes.js';

/** Bodies people send are forms, not files: photos travel by reference. */
const BODY_LIMIT = '256kb';

/** The gateway: `/v1` over the services' request/reply contracts, `/openapi.json`. */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: BODY_LIMIT });
  const http = app.getHttpAdapter();
  const dispatcher = app.get(Dispatcher);
  for (const route of ROUTES) {
    http[route.method](route.path, (req: HttpRequest, res: HttpResponse) => {
      void dispatcher.handle(route, req, res);
    });
  }
  const document = openApiDocument(ROUTES);
  http.get('/openapi.json', (_req: unknown, res: HttpResponse) => res.status(200).json(document));
  http.get('/health/live', (_req: unknown, res: HttpResponse) =>
    res.status(200).json({ status: 'ok' }),
  );
  // A body that is not JSON, or too large, is the sender's problem, never a 500.
  const malformedBody = (
    error: { status?: number; type?: string },
    _req: unknown,
    res: HttpResponse,
    next: (e: unknown) => void,
  ) => {
    if (error.type === 'entity.too.large')
      return send(res, problem(413, 'too-large', 'The body is too large', `at most ${BODY_LIMIT}`));
    if (error.type === 'entity.parse.failed' || error.status === 400)
      return send(res, problem(400, 'malformed', 'The body is not JSON', 'send a JSON object'));
    next(error);
  };
  app.use(malformedBody);
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.init();
  const nc = app.get<NatsConnection>(NATS);
  app.get(Logger).log(`gateway ready (${ROUTES.length} routes); NATS ${nc.getServer()}`);
  return app;
}
