import { api, unwrap } from '../api/client';
import { ApiProblem } from '../api/problem';
import type { CollectedBody, IntakeBody, MissedBody } from '../api/types';
import { sessionStore } from '../session/session';
import type { OutboxEntry, OutboxKind, Sender, SendOutcome } from './outbox';

/** What a send's problem means for the entry: the person's to fix, or to try again. */
function outcomeOf(error: unknown): SendOutcome {
  if (!(error instanceof ApiProblem)) return { kind: 'retry' };
  if (error.offline) return { kind: 'retry' };
  if (error.status === 401) return { kind: 'signed-out' };
  // Too many requests, a timeout, a service down or failing: the same key, later.
  if (error.status === 429 || error.status >= 500) return { kind: 'retry' };
  return { kind: 'refused', problem: error.problem };
}

/** Sends an entry as the person who made it, with its key; the answer is its outcome. */
function sender(
  send: (entry: OutboxEntry, header: { 'Idempotency-Key': string }) => Promise<unknown>,
): Sender {
  return async (entry) => {
    if (sessionStore.get()?.userId !== entry.userId) return { kind: 'signed-out' };
    try {
      return { kind: 'sent', result: await send(entry, { 'Idempotency-Key': entry.key }) };
    } catch (error) {
      return outcomeOf(error);
    }
  };
}

const intake = sender(
  async (entry, header) =>
    (await unwrap(api.POST('/v1/intakes', { body: entry.body as IntakeBody, params: { header } })))
      .data,
);

function stopOf(entry: OutboxEntry): { roundId: string; pickupId: string } {
  return { roundId: entry.about?.roundId ?? '', pickupId: entry.about?.pickupId ?? '' };
}

const stopCollected = sender(
  async (entry, header) =>
    (
      await unwrap(
        api.POST('/v1/rounds/{roundId}/stops/{pickupId}/collection', {
          body: entry.body as CollectedBody,
          params: { path: stopOf(entry), header },
        }),
      )
    ).data,
);

const stopMissed = sender(
  async (entry, header) =>
    (
      await unwrap(
        api.POST('/v1/rounds/{roundId}/stops/{pickupId}/miss', {
          body: entry.body as MissedBody,
          params: { path: stopOf(entry), header },
        }),
      )
    ).data,
);

const roundStart: Sender = async (entry) => {
  const outcome = await sender(
    async (e, header) =>
      (
        await unwrap(
          api.POST('/v1/rounds/{roundId}/start', {
            body: {},
            params: { path: { roundId: e.about?.roundId ?? '' }, header },
          }),
        )
      ).data,
  )(entry);
  // A stop recorded first starts its round too (a phone that had no signal at the depot):
  // a round already under way, or done, is what the start asked for.
  if (
    outcome.kind === 'refused' &&
    (outcome.problem.currentState === 'started' || outcome.problem.currentState === 'completed')
  )
    return { kind: 'sent', result: { status: outcome.problem.currentState } };
  return outcome;
};

/** How each kind of entry kept on the device is sent. */
export const SENDERS: Record<OutboxKind, Sender> = {
  intake,
  'round-start': roundStart,
  'stop-collected': stopCollected,
  'stop-missed': stopMissed,
};
