import type { DestinationStream } from 'pino';
import type { Params } from 'nestjs-pino';
import { currentWorkContext } from '@boucle/messaging';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * JSON lines on standard output, one object per line, each with the service's name
 * and the correlation id of the work it belongs to (the request, event or job), so
 * that one piece of work can be followed across services.
 */
export function loggerParams(
  service: string,
  level: LogLevel,
  destination?: DestinationStream,
): Params {
  const options = {
    level,
    base: { service },
    messageKey: 'msg',
    // The HTTP side serves only health and metrics: scrapes are not news.
    autoLogging: false,
    quietReqLogger: true,
    mixin() {
      const work = currentWorkContext();
      return work ? { correlationId: work.correlationId } : {};
    },
  };
  return { pinoHttp: destination ? [options, destination] : options };
}
