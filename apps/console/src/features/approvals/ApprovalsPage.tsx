import { useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { nameOf } from '../../api/messages';
import { ApiProblem, codeOf, type Problem } from '../../api/problem';
import type { Reservation } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Field, Loading, PageHeading, ProblemNotice } from '../../shared/form';
import { messagesOf } from '../../shared/messages-of';
import { useResource } from '../../shared/use-resource';
import { Checks, type Check } from '../../shared/checks';

/**
 * The queue of the member's staff: medical aids inventory holds for a need, waiting for
 * their approval before the hand-over. Each is approved, or refused with a note the need's
 * people read.
 */
export function ApprovalsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const queue = useResource(
    async () =>
      (
        await unwrap(
          api.GET('/v1/reservations', {
            params: { query: { awaitingApproval: true, limit: 100 } },
          }),
        )
      ).data.reservations,
    [],
  );
  const [done, setDone] = useState<string | null>(null);
  const outcome = useRef<HTMLDivElement>(null);

  function decided(message: string) {
    setDone(message);
    queue.reload();
    outcome.current?.focus();
  }

  return (
    <section>
      <PageHeading title={t('approvals.title')}>{t('approvals.title')}</PageHeading>
      <p>{t('approvals.intro')}</p>
      <div ref={outcome} tabIndex={-1} role="status" className="outcome">
        {done}
      </div>
      <p className="actions">
        <button type="button" className="button button--quiet" onClick={queue.reload}>
          {t('approvals.refresh')}
        </button>
      </p>
      {queue.status === 'loading' ? <Loading /> : null}
      {queue.status === 'failed' ? <ProblemNotice problem={queue.problem} /> : null}
      {queue.status === 'ready' ? (
        queue.data.length ? (
          <ul className="approvals">
            {queue.data.map((r) => (
              <li key={r.reservationId}>
                <Awaiting reservation={r} onDecided={decided} />
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('approvals.empty')}</p>
        )
      ) : null}
    </section>
  );
}

function Awaiting({
  reservation: r,
  onDecided,
}: {
  reservation: Reservation;
  onDecided: (message: string) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const good = useResource(
    async () =>
      (await unwrap(api.GET('/v1/catalogue/{goodId}', { params: { path: { goodId: r.goodId } } })))
        .data,
    [r.goodId],
  );
  const [refusing, setRefusing] = useState(false);
  const [note, setNote] = useState('');
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const title = good.status === 'ready' ? good.data.title : t('approvals.aid');
  const headingId = `approval-${r.reservationId}`;
  const labels = { note: t('approvals.note') };
  const messages = messagesOf(checks, problem, i18n, labels);
  const noteId = `note-${r.reservationId}`;

  async function send(kind: 'approval' | 'refusal') {
    setBusy(true);
    setProblem(null);
    try {
      if (kind === 'approval')
        await unwrap(
          api.POST('/v1/reservations/{reservationId}/approval', {
            params: { path: { reservationId: r.reservationId } },
            body: {},
          }),
        );
      else
        await unwrap(
          api.POST('/v1/reservations/{reservationId}/refusal', {
            params: { path: { reservationId: r.reservationId } },
            body: { note: note.trim() },
          }),
        );
      onDecided(
        t(kind === 'approval' ? 'approvals.approved' : 'approvals.refused', { good: title }),
      );
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  function refuse(event: FormEvent) {
    event.preventDefault();
    const c = new Checks();
    c.text('note', note, { max: 500 });
    setChecks(c.found);
    if (c.ok) void send('refusal');
  }

  return (
    <article className="approval" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p className="hint">
        {good.status === 'ready' && good.data.locality ? `${good.data.locality} · ` : ''}
        {i18n.number(Number(r.quantity))} {nameOf('unit', r.unit, i18n)} ·{' '}
        {t('approvals.asked', { at: i18n.moment(r.requestedAt) })}
        {r.expiresAt ? ` · ${t('approvals.heldUntil', { at: i18n.moment(r.expiresAt) })}` : ''}
      </p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <div className="actions">
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          aria-describedby={headingId}
          onClick={() => void send('approval')}
        >
          {t('approvals.approve')}
        </button>
        <button
          type="button"
          className="button"
          aria-expanded={refusing}
          aria-controls={refusing ? noteId : undefined}
          aria-describedby={headingId}
          onClick={() => setRefusing(!refusing)}
        >
          {t('approvals.refuse')}
        </button>
      </div>
      {refusing ? (
        <form className="form" id={noteId} onSubmit={refuse} noValidate>
          <Field
            path={`note-${r.reservationId}`}
            label={labels.note}
            hint={t('approvals.noteHint')}
            errors={messages.at('note')}
            required
          >
            {(props) => (
              <textarea
                {...props}
                name="note"
                rows={2}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button" disabled={busy}>
            {t('approvals.sendRefusal')}
          </button>
        </form>
      ) : null}
    </article>
  );
}
