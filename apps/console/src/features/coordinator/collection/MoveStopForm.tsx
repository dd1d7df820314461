import { useEffect, useRef, useState, type FormEvent } from 'react';
import { idempotencyKey } from '../../../api/client';
import { ApiProblem, type Problem } from '../../../api/problem';
import { useI18n } from '../../../i18n/i18n';
import { Field, ProblemNotice, useDomId } from '../../../shared/form';
import { moveStop } from '../../collection/load';
import { sayMoveRule, type AddressOf } from './move-rules';

/** A round a stop may be moved to: planned, not started, with its stops still to come. */
export interface MoveTarget {
  roundId: string;
  name: string;
  pending: number;
}

/**
 * Moves one stop (or a pickup the plan left out) to a round and a position, by keyboard:
 * no dragging. Collection checks the rounds it changes; a refusal is said next to the form
 * in the planner's words, and the page reads the day again on success.
 */
export function MoveStopForm({
  pickupId,
  address,
  from,
  targets,
  addressOf,
  onMoved,
  onCancel,
}: {
  pickupId: string;
  address: string;
  /** The stop's round and position now; none for a pickup on no round. */
  from: { roundId: string; sequence: number } | null;
  targets: MoveTarget[];
  addressOf: AddressOf;
  onMoved: (said: string) => void;
  onCancel: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useDomId('move');
  const [roundId, setRoundId] = useState(from?.roundId ?? targets[0]?.roundId ?? '');
  const maxOf = (target: string) => {
    const pending = targets.find((r) => r.roundId === target)?.pending ?? 0;
    // The stop leaves its place when it moves within its own round.
    return target === from?.roundId ? pending : pending + 1;
  };
  const [sequence, setSequence] = useState(String(from?.sequence ?? maxOf(roundId)));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [error, setError] = useState(false);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());
  const first = useRef<HTMLSelectElement>(null);
  const max = maxOf(roundId);

  useEffect(() => {
    first.current?.focus();
  }, []);

  function chooseRound(next: string) {
    setRoundId(next);
    setSequence(String(maxOf(next)));
    setError(false);
    key.current = idempotencyKey();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    const position = Number(sequence);
    const valid = Number.isInteger(position) && position >= 1 && position <= max;
    setError(!valid);
    if (!valid) return;
    setBusy(true);
    try {
      await moveStop(roundId, pickupId, position, key.current);
      const name = targets.find((r) => r.roundId === roundId)?.name ?? '';
      onMoved(t('planning.moved', { round: name, n: position }));
    } catch (caught) {
      if (!(caught instanceof ApiProblem)) throw caught;
      if (!caught.offline) key.current = idempotencyKey();
      setProblem(caught.problem);
    } finally {
      setBusy(false);
    }
  }

  // The refusal's reasons, each in words: the fields' messages, or else its detail.
  const reasons = problem
    ? (problem.errors?.length ? problem.errors.map((e) => e.message) : [problem.detail])
        .filter(Boolean)
        .map((message) => sayMoveRule(message, i18n, addressOf))
    : [];

  return (
    <form
      className="inline-form move-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <p id={`${id}-title`} className="move-form__title">
        <strong>{t('planning.moveTitle', { address })}</strong>
      </p>
      <Field path={`${id}-round`} label={t('planning.moveRound')} required>
        {(props) => (
          <select
            {...props}
            ref={first}
            name="roundId"
            value={roundId}
            onChange={(e) => chooseRound(e.target.value)}
          >
            {targets.map((r) => (
              <option key={r.roundId} value={r.roundId}>
                {r.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        path={`${id}-sequence`}
        label={t('planning.movePosition')}
        hint={t('planning.movePositionHint', { max })}
        errors={error ? [{ text: t('moveRule.sequence', { max }), lang: i18n.language }] : []}
        required
      >
        {(props) => (
          <input
            {...props}
            type="number"
            name="sequence"
            inputMode="numeric"
            min={1}
            max={max}
            step={1}
            value={sequence}
            onChange={(e) => setSequence(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button button--primary" disabled={busy || !roundId}>
        {t('planning.moveSubmit')}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        {t('planning.moveCancel')}
      </button>
      {problem ? (
        <ProblemNotice problem={{ ...problem, detail: '' }}>
          <p>{t('planning.moveRefused')}</p>
          <ul className="move-form__reasons">
            {reasons.map((reason, index) => (
              <li key={index} lang={reason.lang}>
                {reason.text}
              </li>
            ))}
          </ul>
        </ProblemNotice>
      ) : null}
    </form>
  );
}
