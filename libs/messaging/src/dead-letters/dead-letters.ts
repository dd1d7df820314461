import {
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type NextMsgRequest,
  type SeqMsgRequest,
  type StoredMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DEAD_LETTER_HEADERS, ProducerSchema } from '@boucle/contracts';
import type { Naming } from '../naming.js';

/** One dead letter as an operator sees it; reading it never consumes it. */
export interface DeadLetterEntry {
  /** Its sequence in the dead-letter stream: what `inspect` and `redrive` take. */
  sequence: number;
  consumer: string;
  /** The physical subject it was consumed from, where a re-drive publishes it again. */
  subject: string;
  reason: string;
  /** Earlier reasons of the same event for the same consumer, newest last. */
  history: string[];
  deliveries: number | null;
  redrives: number;
  /** Null when the body is not an event envelope (poison). */
  eventId: string | null;
  eventType: string | null;
  deadLetteredAt: string;
}

export interface DeadLetterDetail extends DeadLetterEntry {
  /** The body as text, cut at `bodyLimitBytes`. */
  body: string;
  bodyBytes: number;
  bodyTruncated: boolean;
}

export interface Redriven {
  /** The dead letter's sequence; it is gone from the dead-letter stream now. */
  sequence: number;
  consumer: string;
  subject: string;
  eventId: string | null;
  /** Where the copy is stored. */
  stream: string;
  storedSequence: number;
  /** True when an earlier re-drive of this dead letter had already stored the copy. */
  duplicate: boolean;
  redrives: number;
}

export interface RedriveAllResult {
  redriven: Redriven[];
  failed: { sequence: number; error: string }[];
}

export interface DeadLettersOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  naming: Naming;
  /** How much of a body `inspect` returns. */
  bodyLimitBytes?: number;
}

const HISTORY_MAX_ENTRIES = 10;
const HISTORY_MAX_BYTES = 4_096;
const HISTORY_ENTRY_MAX_CHARS = 1_000;
const CONSUMER_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
/** Headers that describe one dead-lettering, never carried over to the re-driven copy. */
const DEAD_LETTER_ONLY = new Set<string>(Object.values(DEAD_LETTER_HEADERS));

/**
 * What an operator does with the dead-letter stream: list and inspect dead
 * letters without consuming them, and re-drive them to the subject they came
 * from once the cause is fixed, keeping the reason in the copy's history.
 */
export class DeadLetters {
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly naming: Naming;
  private readonly bodyLimitBytes: number;

  constructor(options: DeadLettersOptions) {
    this.js = options.js;
    this.jsm = options.jsm;
    this.naming = options.naming;
    this.bodyLimitBytes = options.bodyLimitBytes ?? 16_384;
  }

  /** Durable consumer names as the runner takes them: dot-separated tokens, no wildcards. */
  static isConsumerName(name: string): boolean {
    return CONSUMER_NAME.test(name);
  }

  /** Oldest first. */
  async list(options: { consumer?: string; limit?: number } = {}): Promise<DeadLetterEntry[]> {
    const limit = options.limit ?? 100;
    const entries: DeadLetterEntry[] = [];
    if (limit <= 0) return entries;
    for await (const msg of this.scan(options.consumer)) {
      entries.push(this.toEntry(msg));
      if (entries.length >= limit) break;
    }
    return entries;
  }

  /** The entry and its body; null when no dead letter has that sequence (any more). */
  async inspect(sequence: number): Promise<DeadLetterDetail | null> {
    const msg = await this.get(sequence);
    if (!msg) return null;
    const shown = msg.data.subarray(0, this.bodyLimitBytes);
    return {
      ...this.toEntry(msg),
      body: new TextDecoder('utf-8', { fatal: false }).decode(shown),
      bodyBytes: msg.data.length,
      bodyTruncated: shown.length < msg.data.length,
    };
  }

  /**
   * Publishes the dead letter's body again to its original subject, then deletes
   * the dead letter; null when there is none at that sequence (already re-driven).
   *
   * Every consumer of that subject receives the copy, not only the one that
   * dead-lettered it: the consumers' inboxes make that safe, since one that had
   * already applied the event finds its `(consumer, event id)` row and does
   * nothing. A consumer that had dead-lettered the same event too handles the
   * copy as well; its own dead letter stays listed, and re-driving it later does
   * nothing more once the event is applied. A body that is not a valid envelope
   * is re-driven as it is; the runner dead-letters it again with its reason.
   */
  async redrive(sequence: number): Promise<Redriven | null> {
    const msg = await this.get(sequence);
    return msg ? this.redriveMessage(msg) : null;
  }

  /**
   * Re-drives every dead letter of one consumer, oldest first, and no other
   * consumer's. A failure does not stop the others; it is reported.
   */
  async redriveAll(consumer: string): Promise<RedriveAllResult> {
    this.assertConsumer(consumer);
    // Only what is there now: a copy that fails again is dead-lettered after this
    // point, and re-driving it in the same pass would loop for as long as it fails.
    const { state } = await this.jsm.streams.info(this.naming.deadLetterStream());
    const result: RedriveAllResult = { redriven: [], failed: [] };
    for await (const msg of this.scan(consumer, state.last_seq)) {
      try {
        result.redriven.push(await this.redriveMessage(msg));
      } catch (error) {
        result.failed.push({ sequence: msg.seq, error: describeError(error) });
      }
    }
    return result;
  }

  private async redriveMessage(msg: StoredMsg): Promise<Redriven> {
    const entry = this.toEntry(msg);
    const stream = this.producerStream(entry);
    const headers = natsHeaders();
    for (const [key, values] of msg.header) {
      if (DEAD_LETTER_ONLY.has(key) || key.startsWith('Nats-')) continue;
      for (const value of values) headers.append(key, value);
    }
    headers.set(DEAD_LETTER_HEADERS.history, appendHistory(entry.history, entry.reason));
    headers.set(DEAD_LETTER_HEADERS.redrives, String(entry.redrives + 1));
    // Derived from the dead letter, not the event id (which the producer stream has
    // already seen): re-driving this dead letter twice, say after the delete below
    // failed, stores one copy (within the stream's duplicate window; after it the
    // inboxes stop the second copy). The time keeps it unique if the dead-letter
    // stream is ever recreated and its sequences start again.
    const ack = await this.js.publish(entry.subject, msg.data, {
      headers,
      msgID: `redrive:${msg.seq}:${msg.timestamp}`,
      expect: { streamName: stream },
    });
    // Only once the copy is stored: a crash in between leaves the dead letter listed, never lost.
    await this.delete(msg.seq);
    return {
      sequence: msg.seq,
      consumer: entry.consumer,
      subject: entry.subject,
      eventId: entry.eventId,
      stream: ack.stream,
      storedSequence: ack.seq,
      duplicate: ack.duplicate,
      redrives: entry.redrives + 1,
    };
  }

  /**
   * Dead letters in sequence order, read one by one with the stream's message
   * get (nothing is acked, nothing is consumed), up to `lastSequence`.
   */
  private async *scan(consumer?: string, lastSequence = Infinity): AsyncGenerator<StoredMsg> {
    const stream = this.naming.deadLetterStream();
    let filter = this.naming.deadLetterSubjects()[0]!;
    if (consumer !== undefined) {
      this.assertConsumer(consumer);
      filter = this.naming.deadLetterSubject(consumer, '>');
    }
    for (let seq = 1; seq <= lastSequence;) {
      // The server's MSG.GET takes `next_by_subj` with `seq` (the client types only list it for direct get).
      const query: SeqMsgRequest & NextMsgRequest = { seq, next_by_subj: filter };
      const msg = await this.jsm.streams.getMessage(stream, query);
      if (!msg || msg.seq > lastSequence) return;
      seq = msg.seq + 1;
      // `deadletter.matching.>` also matches consumer `matching.hold-placed`: the header decides.
      if (consumer !== undefined && this.toEntry(msg).consumer !== consumer) continue;
      yield msg;
    }
  }

  private async get(sequence: number): Promise<StoredMsg | null> {
    if (!Number.isSafeInteger(sequence) || sequence < 1) {
      throw new RangeError(`dead-letter sequence must be a positive integer, got ${sequence}`);
    }
    return this.jsm.streams.getMessage(this.naming.deadLetterStream(), { seq: sequence });
  }

  private async delete(sequence: number): Promise<void> {
    try {
      await this.jsm.streams.deleteMessage(this.naming.deadLetterStream(), sequence, false);
    } catch (error) {
      // Someone re-drove it at the same moment: the copy is stored once either way.
      if (!(error instanceof JetStreamApiError && error.code === 10057)) throw error;
    }
  }

  /** A re-drive only ever goes back into a producer's stream, never into the dead letters or `rpc.*`. */
  private producerStream(entry: DeadLetterEntry): string {
    const producer = ProducerSchema.safeParse(this.naming.unprefixed(entry.subject).split('.')[0]);
    if (!producer.success) {
      throw new Error(
        `dead letter ${entry.sequence} has no producer subject to re-drive to (${entry.subject || 'none'})`,
      );
    }
    return this.naming.stream(producer.data);
  }

  private toEntry(msg: StoredMsg): DeadLetterEntry {
    const header = (key: string): string => msg.header.get(key);
    const consumer = header(DEAD_LETTER_HEADERS.consumer);
    const { eventId, eventType } = peekEnvelope(msg.data);
    return {
      sequence: msg.seq,
      consumer,
      subject: header(DEAD_LETTER_HEADERS.subject) || this.subjectFromDeadLetter(msg, consumer),
      reason: header(DEAD_LETTER_HEADERS.reason),
      history: parseHistory(header(DEAD_LETTER_HEADERS.history)),
      deliveries: parseCount(header(DEAD_LETTER_HEADERS.deliveries)),
      redrives: parseCount(header(DEAD_LETTER_HEADERS.redrives)) ?? 0,
      eventId,
      eventType,
      deadLetteredAt: msg.time.toISOString(),
    };
  }

  /** Without the subject header, `<prefix>deadletter.<consumer>.<subject>` still says it. */
  private subjectFromDeadLetter(msg: StoredMsg, consumer: string): string {
    if (consumer === '') return '';
    const root = this.naming.deadLetterSubject(consumer, '');
    return msg.subject.startsWith(root) ? this.naming.subject(msg.subject.slice(root.length)) : '';
  }

  private assertConsumer(consumer: string): void {
    if (!DeadLetters.isConsumerName(consumer)) {
      throw new RangeError(
        `"${consumer}" is not a consumer name (dot-separated letters, digits, _ and -)`,
      );
    }
  }
}

/** The earlier reasons plus this one, newest last, bounded so the header stays small. */
function appendHistory(history: readonly string[], reason: string): string {
  const entries = [...history, reason]
    .slice(-HISTORY_MAX_ENTRIES)
    .map((entry) =>
      entry.length > HISTORY_ENTRY_MAX_CHARS
        ? `${entry.slice(0, HISTORY_ENTRY_MAX_CHARS)}…`
        : entry,
    );
  let json = JSON.stringify(entries);
  while (entries.length > 1 && Buffer.byteLength(json) > HISTORY_MAX_BYTES) {
    entries.shift();
    json = JSON.stringify(entries);
  }
  return json;
}

function parseHistory(value: string): string[] {
  if (value === '') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed)
      ? parsed.filter((entry): entry is string => typeof entry === 'string')
      : [];
  } catch {
    return [value];
  }
}

function parseCount(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) : null;
}

function peekEnvelope(data: Uint8Array): { eventId: string | null; eventType: string | null } {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(data));
    if (typeof parsed !== 'object' || parsed === null) return { eventId: null, eventType: null };
    const { id, type } = parsed as Record<string, unknown>;
    return {
      eventId: typeof id === 'string' ? id : null,
      eventType: typeof type === 'string' ? type : null,
    };
  } catch {
    return { eventId: null, eventType: null };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
