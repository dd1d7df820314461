import { Migration } from '@mikro-orm/migrations';
import type { NamedMigration } from '@boucle/database';

export const OUTBOX_TABLE = 'messaging_outbox';
export const INBOX_TABLE = 'messaging_inbox';
/** The relay LISTENs here; a statement-level trigger NOTIFYs once per insert statement. */
export const OUTBOX_CHANNEL = 'messaging_outbox_pending';
/**
 * Set to 'on' for the rest of a transaction whose commit wakes a relay of its own process
 * (outbox/local-wake.ts): its outbox rows then send no NOTIFY.
 */
export const OUTBOX_LOCAL_WAKE_SETTING = 'boucle.outbox_woken_locally';
/** The last version handed out per aggregate: its row lock orders the events of one aggregate. */
export const AGGREGATE_VERSION_TABLE = 'messaging_aggregate_version';
/** Per consumer that keeps the latest state: the newest version applied per aggregate. */
export const AGGREGATE_APPLIED_TABLE = 'messaging_aggregate_applied';
/** The first answer of every command that committed, by command id. */
export const COMMAND_LOG_TABLE = 'messaging_command_log';

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

class MessagingAggregateOrder extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE ${AGGREGATE_VERSION_TABLE} (
        aggregate text NOT NULL,
        aggregate_id text NOT NULL,
        version bigint NOT NULL CHECK (version > 0),
        PRIMARY KEY (aggregate, aggregate_id)
      )`);
    // Nullable: rows written before aggregates were carried have none.
    this.addSql(`
      ALTER TABLE ${OUTBOX_TABLE}
        ADD COLUMN aggregate text,
        ADD COLUMN aggregate_id text,
        ADD COLUMN aggregate_version bigint`);
    // The relay asks "is an earlier row of this aggregate still pending?" for every row it claims.
    this.addSql(
      `CREATE INDEX ${OUTBOX_TABLE}_pending_aggregate_idx ON ${OUTBOX_TABLE} (aggregate, aggregate_id, id) WHERE sent_at IS NULL`,
    );
    this.addSql(`
      CREATE TABLE ${AGGREGATE_APPLIED_TABLE} (
        consumer text NOT NULL,
        aggregate text NOT NULL,
        aggregate_id text NOT NULL,
        version bigint NOT NULL,
        PRIMARY KEY (consumer, aggregate, aggregate_id)
      )`);
    // Pruning reads the inbox by age; rows arrive in time order, which a BRIN index serves for
    // almost nothing per insert.
    this.addSql(
      `CREATE INDEX ${INBOX_TABLE}_processed_at_idx ON ${INBOX_TABLE} USING brin (processed_at)`,
    );
  }

  override down(): void {
    this.addSql(`DROP INDEX ${INBOX_TABLE}_processed_at_idx`);
    this.addSql(`DROP TABLE ${AGGREGATE_APPLIED_TABLE}`);
    this.addSql(`DROP INDEX ${OUTBOX_TABLE}_pending_aggregate_idx`);
    this.addSql(
      `ALTER TABLE ${OUTBOX_TABLE} DROP COLUMN aggregate, DROP COLUMN aggregate_id, DROP COLUMN aggregate_version`,
    );
    this.addSql(`DROP TABLE ${AGGREGATE_VERSION_TABLE}`);
  }
}

class MessagingCommandLog extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE ${COMMAND_LOG_TABLE} (
        command_id uuid PRIMARY KEY,
        subject text NOT NULL,
        -- A hash of the request with its actor: the id replays only the same request.
        fingerprint text NOT NULL,
        -- Null only inside the command's own transaction, until its answer is known.
        response jsonb,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    this.addSql(
      `CREATE INDEX ${COMMAND_LOG_TABLE}_recorded_at_idx ON ${COMMAND_LOG_TABLE} USING brin (recorded_at)`,
    );
  }

  override down(): void {
    this.addSql(`DROP TABLE ${COMMAND_LOG_TABLE}`);
  }
}

/**
 * An outbox row's NOTIFY only where no relay of the writing process is woken at its commit.
 * Every transaction that notifies takes, at its commit, a lock that PostgreSQL holds until
 * the commit is flushed: commands recording events committed one at a time, each with its
 * own WAL flush. Writers without a relay of their own (a tool, an operator) still notify.
 */
class MessagingLocalWake extends Migration {
  override up(): void {
    this.addSql(`
      CREATE OR REPLACE FUNCTION ${OUTBOX_TABLE}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('${OUTBOX_LOCAL_WAKE_SETTING}', true) IS DISTINCT FROM 'on' THEN
          PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        END IF;
        RETURN NULL;
      END $$`);
  }

  override down(): void {
    this.addSql(`
      CREATE OR REPLACE FUNCTION ${OUTBOX_TABLE}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        RETURN NULL;
      END $$`);
  }
}

/** Every service lists these first among its migrations. */
export const messagingMigrations: readonly NamedMigration[] = [
  { name: 'Messaging20261123000000OutboxInbox', class: MessagingOutboxInbox },
  { name: 'Messaging20261123100000AggregateOrder', class: MessagingAggregateOrder },
  { name: 'Messaging20261201000000CommandLog', class: MessagingCommandLog },
  { name: 'Messaging20261203000000LocalWake', class: MessagingLocalWake },
];
