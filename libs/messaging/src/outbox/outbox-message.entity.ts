import { EntitySchema } from '@mikro-orm/core';
import { OUTBOX_TABLE } from '../migrations.js';

/**
 * A pending event, written by the same flush (so the same transaction) as the
 * change it describes. The relay reads the table directly; the ORM only inserts.
 */
export class OutboxMessage {
  id?: string;
  eventId!: string;
  subject!: string;
  payload!: object;
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: OUTBOX_TABLE,
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    eventId: { type: 'uuid', fieldName: 'event_id' },
    subject: { type: 'text' },
    payload: { type: 'json', columnType: 'jsonb' },
  },
});
