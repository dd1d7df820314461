import type { Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Naming } from '@boucle/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { EventFeed } from './event-feed.service.js';
import { EventsHttp } from './events.http.js';
import { EventsService } from './events.service.js';
import { ReservationOutcomes } from './reservation-outcomes.js';

/**
 * `/v1/events`: the feed (one NATS subscription per gateway process, which also tells
 * waiting reservation requests of their answer), who may follow what, and the HTTP side.
 * `nats` is the gateway's connection's token.
 */
export function eventProviders(nats: symbol): Provider[] {
  return [
    ReservationOutcomes,
    {
      provide: EventFeed,
      inject: [nats, GATEWAY_CONFIG, ReservationOutcomes],
      useFactory: (nc: NatsConnection, config: GatewayConfig, outcomes: ReservationOutcomes) =>
        new EventFeed(
          nc,
          new Naming(config.SUBJECT_PREFIX),
          {
            replayEvents: config.EVENTS_REPLAY_EVENTS,
            // Half the client's buffer: the rest is for what happens while it is sent.
            replayBytes: config.EVENTS_CLIENT_BUFFER_BYTES / 2,
            heartbeatMs: config.EVENTS_HEARTBEAT_SECONDS * 1_000,
          },
          outcomes,
        ),
    },
    EventsService,
    EventsHttp,
  ];
}
