import {
  DEAD_LETTER_ROOT,
  DEAD_LETTER_STREAM,
  deadLetterSubject,
  RPC_ROOT,
  streamName,
  streamSubjects,
  type EventDefinition,
  type Producer,
} from '@boucle/contracts';

/**
 * Physical names on the broker. Production uses the contract names as they are;
 * each test file gets its own prefix so files can share one NATS server.
 */
export class Naming {
  constructor(readonly prefix = '') {
    if (prefix !== '' && !/^[a-z0-9-]+\.$/.test(prefix)) {
      throw new Error(
        `subject prefix "${prefix}" must be lowercase letters, digits and dashes ending in a dot`,
      );
    }
  }

  subject(def: Pick<EventDefinition, 'subject'> | string): string {
    return this.prefix + (typeof def === 'string' ? def : def.subject);
  }

  /** The contract subject of a physical one (what the prefix was added to). */
  unprefixed(subject: string): string {
    return subject.startsWith(this.prefix) ? subject.slice(this.prefix.length) : subject;
  }

  stream(producer: Producer): string {
    return this.streamPrefix() + streamName(producer);
  }

  streamSubjects(producer: Producer): string[] {
    return streamSubjects(producer).map((s) => this.prefix + s);
  }

  deadLetterStream(): string {
    return this.streamPrefix() + DEAD_LETTER_STREAM;
  }

  deadLetterSubjects(): string[] {
    return [`${this.prefix}${DEAD_LETTER_ROOT}.>`];
  }

  deadLetterSubject(consumer: string, originalSubject: string): string {
    return this.prefix + deadLetterSubject(consumer, this.unprefixed(originalSubject));
  }

  /** Durable consumer names may not contain dots. */
  durable(consumer: string): string {
    return (this.streamPrefix() + consumer).replace(/[^A-Za-z0-9_-]/g, '_');
  }

  rpcRoot(): string {
    return this.prefix + RPC_ROOT;
  }

  private streamPrefix(): string {
    return this.prefix === ''
      ? ''
      : this.prefix
          .slice(0, -1)
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '_') + '_';
  }
}
