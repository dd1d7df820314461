import { ALL_EVENTS } from '@boucle/contracts';
import { FOLLOWED_PRODUCERS } from './event-feed.service.js';
import { EVENTS_PATH } from './events.http.js';
import { MAX_FOLLOWED } from './events.service.js';

type Schema = Record<string, unknown>;

const ids = (what: string): Schema => ({
  type: 'array',
  items: { type: 'string', format: 'uuid' },
  maxItems: MAX_FOLLOWED,
  description: what,
});

/** `GET /v1/events` in the OpenAPI document; the events themselves are in `/asyncapi.json`. */
export function eventsPathItem(problemSchema: Schema): Record<string, Schema> {
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: problemSchema } },
  });
  return {
    [EVENTS_PATH]: {
      get: {
        summary:
          'Follow the events of goods, holds, pickups and rounds as they happen (server-sent events)',
        description: [
          'A `text/event-stream` (server-sent events) of the domain events about what the caller names, as they are published, so that a client follows a hold, a lot, a pickup, a round, a reservation or a need without polling.',
          '',
          `**Filters** (each repeatable, at most ${MAX_FOLLOWED} of each). \`good=<id>\` (a lot is a good of kind \`lot\`): the events naming one of these goods. Add \`hold=<id>\` to keep, of those, only the events naming one of these holds too; a hold is followed through its good. \`pickup=<id>\`: the events of these pickups (requested, scheduled on a round, late, collected, missed, cancelled). \`round=<id>\`: the events of these rounds (planned, started, completed) and of the stops on them. \`reservation=<id>\`: the events of these reservations (requested, inventory's hold placed or refused, every change of status, cancelled, the hold released or handed over). \`need=<id>\`: the events of these needs (registered, closed) and every change of status of their reservations. An event is shown when it matches any of them. With no filter, every event of the cluster: the coordinator's alone.`,
          '',
          '**Rights.** Each object is read as the caller before the stream opens (`GET /v1/goods/{goodId}`, `GET /v1/pickups/{pickupId}`, `GET /v1/rounds/{roundId}`, `GET /v1/reservations/{reservationId}`, `GET /v1/needs/{needId}`), and that answer is the stream’s: another member’s good, pickup, reservation or need, or a round not given to this driver, is 404; a role that reads no stock, or no rounds, 403. The bearer token goes in the `Authorization` header, never in the URL (EventSource cannot set it: read the stream with fetch). The stream ends when the token expires, and when a followed good is transferred to another member (if that good was all it followed).',
          '',
          "**Frames.** Each event: `id` (the envelope's id), `event` (its subject, e.g. `inventory.hold.placed.v1`; the payloads are described in `/asyncapi.json`), `data` (the envelope as JSON). Heartbeat comments every 15 s (by default); once the stream has moved past events it does not show, a heartbeat carries an `id:` line so that a reconnection starts near the end. Two events of the API itself, with `data: {reason, detail}`: `reset` (reasons `position-unknown`, `gap`: events may have been missed; read again what you follow, then carry on) and `end` (reasons `token-expired`, `access-ended`, `shutdown`), after which the stream closes.",
          '',
          '**Resuming.** Send `Last-Event-ID` with the last id received: the events after it that are still kept (the latest 10,000 by default) come first, or a `reset` when it is no longer kept. A client that reads too slowly is disconnected; it reconnects with `Last-Event-ID`.',
          '',
          `Event subjects: ${ALL_EVENTS.filter((d) =>
            (FOLLOWED_PRODUCERS as readonly string[]).includes(d.producer),
          )
            .map((d) => `\`${d.subject}\``)
            .join(', ')}.`,
        ].join('\n'),
        operationId: 'followEvents',
        security: [{ bearer: [] }],
        parameters: [
          {
            name: 'good',
            in: 'query',
            required: false,
            style: 'form',
            explode: true,
            schema: ids('The goods to follow; required unless the caller is the coordinator.'),
          },
          {
            name: 'hold',
            in: 'query',
            required: false,
            style: 'form',
            explode: true,
            schema: ids('Of those goods, the holds to follow; requires `good`.'),
          },
          {
            name: 'pickup',
            in: 'query',
            required: false,
            style: 'form',
            explode: true,
            schema: ids('The pickups to follow.'),
          },
          {
            name: 'round',
            in: 'query',
            required: false,
            style: 'form',
            explode: true,
            schema: ids('The rounds to follow, with the stops on them.'),
          },
          {
            name: 'reservation',
            in: 'query',
            required: false,
            style: 'form',
            explode: true,
            schema: ids('The reservations to follow, with their holds.'),
          },
          {
            name: 'need',
            in: 'query',
            required: false,
            style: 'form',
            explode: true,
            schema: ids('The needs to follow, with the changes of their reservations.'),
          },
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            schema: { type: 'string', format: 'uuid' },
            description: 'The id of the last event received, to resume after it.',
          },
        ],
        responses: {
          '200': {
            description:
              'The stream: `id`/`event`/`data` frames, heartbeat comments, `reset` and `end` events.',
            content: {
              'text/event-stream': {
                schema: { type: 'string' },
                example:
                  'retry: 3000\n: following\n\nid: 0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10\nevent: inventory.hold.placed.v1\ndata: {"id":"0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10","type":"inventory.hold.placed",...}\n\n: keep-alive\n\n',
              },
            },
          },
          '401': problem('Not authenticated'),
          '403': problem(
            'A role that may not read what it names, or no filter from another than the coordinator',
          ),
          '404': problem(
            'A good, pickup, round, reservation or need the caller may not see, or that does not exist',
          ),
          '422': problem('A filter or Last-Event-ID that breaks its rule, named'),
          '429': problem('Too many requests, or too many streams open at once'),
          '503': problem('Events are not being read just now'),
        },
      },
    },
  };
}
