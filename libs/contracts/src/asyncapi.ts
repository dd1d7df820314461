import { z } from 'zod';
import { ActorSchema, EnvelopeSchema, type EventEnvelope } from './envelope.js';
import type { EventDefinition } from './event-definition.js';
import { ALL_EVENTS } from './events/index.js';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_ROOT, streamName, streamSubjects } from './subjects.js';

/*
 * The AsyncAPI 3.0 document of every event, built from the definitions themselves so
 * that it cannot drift from what producers validate. It lives with the contracts, not
 * in the gateway: it is only schemas, subjects and the backbone's headers, and any
 * service or tool may render it; the gateway merely serves it.
 */

type Json = Record<string, unknown>;

/**
 * JSON Schema draft-07, the dialect AsyncAPI 3.0's default schema format extends, of
 * what readers receive: the producer's parsed output, which is what goes on the wire.
 */
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'output',
    unrepresentable: 'any',
  });
  return rest;
}

/** `inventory.item.refurbishment-recorded.v1` → `InventoryItemRefurbishmentRecordedV1`, the definition's export name. */
export function asyncApiName(def: Pick<EventDefinition, 'subject'>): string {
  return def.subject
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

const ref = (pointer: string) => ({ $ref: `#/${pointer}` });

/** What the outbox relay sets on every event it publishes (libs/messaging, outbox-relay.ts). */
const EVENT_HEADERS: Json = {
  type: 'object',
  required: ['Nats-Msg-Id', 'Content-Type'],
  properties: {
    'Nats-Msg-Id': {
      type: 'string',
      format: 'uuid',
      description:
        'The envelope `id`. An event republished inside the stream duplicate window is stored ' +
        'once; one resent after it is stored again, so readers must ignore an `id` they have ' +
        'already applied.',
    },
    'Content-Type': { type: 'string', const: 'application/json' },
  },
};

/** What a consumer sets when it gives up on a message (libs/messaging, consumer-runner.ts). */
const DEAD_LETTER_MESSAGE_HEADERS: Json = {
  type: 'object',
  required: [
    'Nats-Msg-Id',
    DEAD_LETTER_HEADERS.reason,
    DEAD_LETTER_HEADERS.consumer,
    DEAD_LETTER_HEADERS.subject,
    DEAD_LETTER_HEADERS.deliveries,
    DEAD_LETTER_HEADERS.redrives,
  ],
  properties: {
    'Nats-Msg-Id': {
      type: 'string',
      description:
        '`<durable>:<event id>:<redrives>`: one dead letter per consumer, event and re-drive.',
    },
    [DEAD_LETTER_HEADERS.reason]: {
      type: 'string',
      maxLength: 2000,
      description: 'Why the consumer gave up, on one line.',
    },
    [DEAD_LETTER_HEADERS.consumer]: { type: 'string', description: 'The consumer that gave up.' },
    [DEAD_LETTER_HEADERS.subject]: { type: 'string', description: 'The subject it was read on.' },
    [DEAD_LETTER_HEADERS.deliveries]: {
      type: 'string',
      pattern: '^\\d+$',
      description: 'How many times it was delivered, an integer.',
    },
    [DEAD_LETTER_HEADERS.redrives]: {
      type: 'string',
      pattern: '^\\d+$',
      description: 'How many times an operator re-drove it, an integer.',
    },
    [DEAD_LETTER_HEADERS.history]: {
      type: 'string',
      description: 'Earlier reasons, newest last: a JSON array of at most 10 strings.',
    },
  },
};

/** The envelope of one event version: its type, version and producer fixed, its data that event's. */
function envelopeSchema(def: EventDefinition, name: string): Json {
  const schema = jsonSchema(
    EnvelopeSchema.extend({
      type: z.literal(def.type),
      version: z.literal(def.version),
      producer: z.literal(def.producer),
    }),
  );
  const properties = schema['properties'] as Json;
  properties['actor'] = ref('components/schemas/Actor');
  properties['data'] = ref(`components/schemas/${name}`);
  return schema;
}

/** A complete envelope around the definition's example, as a reader would receive it. */
function exampleEnvelope(def: EventDefinition): EventEnvelope {
  return {
    id: '0f8e2d6c-4b1a-4c3e-9d5f-7a8b9c0d1e2f',
    type: def.type,
    version: def.version,
    producer: def.producer,
    occurredAt: '2026-11-20T09:15:00Z',
    correlationId: '5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
    causationId: null,
    actor: { userId: 'operator-7f3a', role: 'operator', organisationId: 'ressourcerie-nord' },
    aggregate: { type: def.aggregate, id: def.aggregateId(def.example), version: 1 },
    data: def.example,
  };
}

export interface AsyncApiOptions {
  /** The events to describe; every published version unless told otherwise. */
  events?: readonly EventDefinition[];
}

/** AsyncAPI 3.0 of every event on the backbone, one channel per subject. */
export function asyncApiDocument(options: AsyncApiOptions = {}): Json {
  const events = options.events ?? ALL_EVENTS;
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const schemas: Json = {
    Actor: {
      ...jsonSchema(ActorSchema),
      description: 'Who caused the event. Pseudonymous ids only: personal data never travels.',
    },
    EventHeaders: EVENT_HEADERS,
  };
  for (const def of events) {
    const name = asyncApiName(def);
    const example = exampleEnvelope(def);
    schemas[name] = { ...jsonSchema(def.schema), description: def.description };
    messages[name] = {
      name: def.subject,
      title: `${def.type} v${def.version}`,
      summary: def.description,
      contentType: 'application/json',
      headers: ref('components/schemas/EventHeaders'),
      payload: envelopeSchema(def, name),
      correlationId: ref('components/correlationIds/work'),
      tags: [{ name: def.producer }],
      examples: [
        {
          name: 'example',
          headers: { 'Nats-Msg-Id': example.id, 'Content-Type': 'application/json' },
          payload: example,
        },
      ],
      'x-aggregate': def.aggregate,
    };
    channels[name] = {
      address: def.subject,
      title: def.subject,
      description:
        `${def.description} Kept in the \`${streamName(def.producer)}\` stream ` +
        `(\`${streamSubjects(def.producer).join('`, `')}\`); versions of one \`${def.aggregate}\` ` +
        'are published in the order they were committed.',
      messages: { [name]: ref(`components/messages/${name}`) },
      'x-stream': streamName(def.producer),
    };
    operations[`send${name}`] = {
      action: 'send',
      channel: ref(`channels/${name}`),
      messages: [ref(`channels/${name}/messages/${name}`)],
      title: `${def.producer} publishes ${def.subject}`,
      description:
        `Recorded in ${def.producer}'s outbox in the transaction that makes the change, and ` +
        'published by its relay once that transaction has committed: never for a change that ' +
        'rolled back.',
      tags: [{ name: def.producer }],
    };
  }
  channels['deadLetters'] = {
    address: `${DEAD_LETTER_ROOT}.{consumer}.{subject}`,
    title: 'Dead letters',
    description:
      'A message a consumer gave up on (a poison message, or too many deliveries), with the ' +
      'original bytes and why; one stream for the whole cluster, re-driven by an operator ' +
      '(`npm run deadletters`).',
    parameters: {
      consumer: {
        description: 'The consumer that gave up, e.g. `inventory.reservation-requested`.',
      },
      subject: { description: 'The subject the message was read on.' },
    },
    messages: { DeadLetter: ref('components/messages/DeadLetter') },
  };
  messages['DeadLetter'] = {
    name: 'dead-letter',
    title: 'Dead letter',
    summary: 'The original message as the consumer received it, byte for byte.',
    headers: DEAD_LETTER_MESSAGE_HEADERS,
    payload: {
      description: 'The original bytes: an envelope, unless what was sent was not one.',
    },
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Boucle events',
      // Each event carries its own version in its subject; this numbers the document's shape.
      version: '1',
      description:
        'Every domain event of the Boucle cooperation cluster, on NATS JetStream. Each subject ' +
        'is one version of one event, `<producer>.<aggregate>.<event>.v<major>`; a new shape ' +
        'is a new version published beside the old one. Every event travels in the same ' +
        'envelope and is delivered at least once.',
      tags: [...new Set(events.map((def) => def.producer))].map((producer) => ({
        name: producer,
        description: `Events ${producer} publishes, into the \`${streamName(producer)}\` stream.`,
      })),
    },
    defaultContentType: 'application/json',
    servers: {
      nats: {
        host: '{host}:{port}',
        protocol: 'nats',
        description:
          'The cluster NATS with JetStream; production connects over TLS (`tls://`). Each ' +
          'service connects as its own user, with its own permissions.',
        variables: {
          host: { default: '127.0.0.1', description: 'The host of `NATS_URL`.' },
          port: { default: '4222' },
        },
        security: [ref('components/securitySchemes/serviceUser')],
      },
    },
    channels,
    operations,
    components: {
      schemas,
      messages,
      correlationIds: {
        work: {
          description:
            'One piece of work across services: the request that started it, then every ' +
            'event that followed from it.',
          location: '$message.payload#/correlationId',
        },
      },
      securitySchemes: {
        serviceUser: {
          type: 'userPassword',
          description: '`NATS_USER` and `NATS_PASSWORD`, one user per service.',
        },
      },
    },
  };
}
