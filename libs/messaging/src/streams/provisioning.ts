import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Producer } from '@boucle/contracts';
import type { Naming } from '../naming.js';

export interface StreamOptions {
  /** How long the broker remembers a `Nats-Msg-Id`; republishing inside it stores nothing new. */
  duplicateWindowMs?: number;
  maxAgeMs?: number;
  /**
   * How many copies the cluster keeps. Unset: a new stream gets 1 and an existing
   * one keeps whatever it has; set: applied on create and on update.
   */
  replicas?: number;
}

const DAY_MS = 24 * 3600_000;

/**
 * Creates or updates the stream a producer owns (`<producer>.>`). Request/reply
 * subjects (`rpc.*`) must never be captured, or JetStream would answer the
 * requests itself; that is checked here rather than trusted.
 */
export async function ensureProducerStream(
  jsm: JetStreamManager,
  naming: Naming,
  producer: Producer,
  options: StreamOptions = {},
): Promise<void> {
  await ensureStream(
    jsm,
    naming,
    {
      name: naming.stream(producer),
      subjects: naming.streamSubjects(producer),
      ...durable(options, 30 * DAY_MS),
    },
    options.replicas,
  );
}

/** The stream poison messages land in, with the reason in their headers. */
export async function ensureDeadLetterStream(
  jsm: JetStreamManager,
  naming: Naming,
  options: StreamOptions = {},
): Promise<void> {
  await ensureStream(
    jsm,
    naming,
    {
      name: naming.deadLetterStream(),
      subjects: naming.deadLetterSubjects(),
      ...durable(options, 90 * DAY_MS),
    },
    options.replicas,
  );
}

/** On disk, kept for a period, oldest dropped first, deduplicated by `Nats-Msg-Id`. */
function durable(options: StreamOptions, defaultMaxAgeMs: number): Partial<StreamConfig> {
  return {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(options.duplicateWindowMs ?? 10 * 60_000),
    max_age: nanos(options.maxAgeMs ?? defaultMaxAgeMs),
  };
}

export function assertNoRpcCapture(naming: Naming, subjects: readonly string[]): void {
  const rpc = naming.rpcRoot();
  for (const subject of subjects) {
    const first = naming.unprefixed(subject).split('.')[0];
    if (first === 'rpc' || first === '>' || first === '*' || subject === `${rpc}.>`) {
      throw new Error(
        `stream subject "${subject}" would capture request/reply subjects (${rpc}.*)`,
      );
    }
  }
}

/**
 * `owned` holds the settings this code relies on (subjects, retention, the
 * duplicate window the outbox relay's deduplication needs); they are applied on
 * every start. Everything else on an existing stream belongs to whoever runs the
 * cluster and is kept as found: replicas above all, since resetting them to 1
 * would scale a 3-node cluster's streams down on every deploy. Replicas are only
 * changed when they were configured explicitly.
 */
async function ensureStream(
  jsm: JetStreamManager,
  naming: Naming,
  owned: Partial<StreamConfig> & { name: string; subjects: string[] },
  replicas: number | undefined,
): Promise<void> {
  assertNoRpcCapture(naming, owned.subjects);
  const wanted = replicas === undefined ? {} : { num_replicas: replicas };
  const update = async () => {
    const current = await jsm.streams.info(owned.name);
    await jsm.streams.update(owned.name, { ...current.config, ...owned, ...wanted });
  };
  try {
    await update();
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    try {
      await jsm.streams.add({ ...owned, num_replicas: replicas ?? 1 });
    } catch (addError) {
      // Another instance of the service created it between our look-up and our add.
      if (!(addError instanceof JetStreamApiError && addError.code === 10058)) throw addError;
      await update();
    }
  }
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === 10059;
}
