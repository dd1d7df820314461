import type { z } from 'zod';
import type { Producer } from './envelope.js';
import { eventSubject } from './subjects.js';

/** One version of one event: its name, its runtime schema and an example payload. */
export interface EventDefinition<TSchema extends z.ZodType = z.ZodType> {
  readonly producer: Producer;
  /** `<producer>.<aggregate>.<event>` */
  readonly type: string;
  /** `<producer>.<aggregate>`: events of one aggregate type share one version sequence per id. */
  readonly aggregate: string;
  /** Which aggregate instance an event is about, read from its data. */
  readonly aggregateId: (data: z.output<TSchema>) => string;
  readonly version: number;
  /** `<type>.v<version>` */
  readonly subject: string;
  readonly description: string;
  readonly schema: TSchema;
  readonly example: z.output<TSchema>;
}

export type EventData<TDef extends EventDefinition> = z.output<TDef['schema']>;

export function defineEvent<TSchema extends z.ZodType>(def: {
  producer: Producer;
  aggregate: string;
  event: string;
  version: number;
  description: string;
  schema: TSchema;
  example: z.output<TSchema>;
  aggregateId: (data: z.output<TSchema>) => string;
}): EventDefinition<TSchema> {
  const type = `${def.producer}.${def.aggregate}.${def.event}`;
  return {
    producer: def.producer,
    type,
    aggregate: `${def.producer}.${def.aggregate}`,
    aggregateId: def.aggregateId,
    version: def.version,
    subject: eventSubject(type, def.version),
    description: def.description,
    schema: def.schema,
    example: def.example,
  };
}
