import type { Producer } from './envelope.js';

/**
 * Every subject, stream and durable name is built here, never typed twice.
 * Live names never change: a new shape is a new version published beside the old.
 */

/** `<producer>.<aggregate>.<event>.v<major>`, the subject of a domain event. */
export function eventSubject(type: string, version: number): string {
  return `${type}.v${version}`;
}

/** `rpc.<service>.<aggregate>.<verb>`, a request/reply subject; never inside a stream. */
export function rpcSubject(service: Producer, aggregate: string, verb: string): string {
  return `rpc.${service}.${aggregate}.${verb}`;
}

export const RPC_ROOT = 'rpc';

/** The one stream each producer owns, capturing `<producer>.>`. */
export function streamName(producer: Producer): string {
  return producer.toUpperCase();
}

export function streamSubjects(producer: Producer): string[] {
  return [`${producer}.>`];
}

/** Poison messages go here with the reason; one stream for the whole cluster. */
export const DEAD_LETTER_STREAM = 'DEADLETTER';
export const DEAD_LETTER_ROOT = 'deadletter';

/** `deadletter.<consumer>.<original subject>` so an operator can filter by consumer. */
export function deadLetterSubject(consumer: string, originalSubject: string): string {
  return `${DEAD_LETTER_ROOT}.${consumer}.${originalSubject}`;
}

/** Headers carried by a dead-lettered message. */
export const DEAD_LETTER_HEADERS = {
  reason: 'Boucle-Dead-Letter-Reason',
  consumer: 'Boucle-Dead-Letter-Consumer',
  subject: 'Boucle-Original-Subject',
  deliveries: 'Boucle-Deliveries',
  /** Earlier reasons of the same event for the same consumer, newest last: a JSON array of strings, at most 10 and about 4 KB. */
  history: 'Boucle-Dead-Letter-History',
  /** How many times an operator re-drove it, an integer. */
  redrives: 'Boucle-Redrives',
} as const;
