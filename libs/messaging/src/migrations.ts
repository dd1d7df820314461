import { Migration } from '@mikro-orm/migrations';
import type { NamedMigration } from '@boucle/database';

export const OUTBOX_TABLE = 'messaging_outbox';
export const INBOX_TABLE = 'messaging_inbox';
/** The relay LISTENs here; a statement-level trigger NOTIFYs once per insert statement. */
export const OUTBOX_CHANNEL = 'messaging_outbox_pending';

class MessagingOutboxInbox extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE ${OUTBOX_TABLE} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        last_error text
      )`);
    // The relay only ever looks at pending rows: keep that index small.
    this.addSql(
      `CREATE INDEX ${OUTBOX_TABLE}_pending_idx ON ${OUTBOX_TABLE} (id) WHERE sent_at IS NULL`,
    );
    this.addSql(
      `CREATE INDEX ${OUTBOX_TABLE}_sent_at_idx ON ${OUTBOX_TABLE} (sent_at) WHERE sent_at IS NOT NULL`,
    );
    this.addSql(`
      CREATE FUNCTION ${OUTBOX_TABLE}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    this.addSql(`
      CREATE TRIGGER ${OUTBOX_TABLE}_notify AFTER INSERT ON ${OUTBOX_TABLE}
      FOR EACH STATEMENT EXECUTE FUNCTION ${OUTBOX_TABLE}_notify()`);
    this.addSql(`
      CREATE TABLE ${INBOX_TABLE} (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        subject text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  override down(): void {
    this.addSql(`DROP TABLE ${INBOX_TABLE}`);
    this.addSql(`DROP TABLE ${OUTBOX_TABLE}`);
    this.addSql(`DROP FUNCTION ${OUTBOX_TABLE}_notify()`);
  }
}

/** Every service lists these first among its migrations. */
export const messagingMigrations: readonly NamedMigration[] = [
  { name: 'Messaging20261123000000OutboxInbox', class: MessagingOutboxInbox },
];
