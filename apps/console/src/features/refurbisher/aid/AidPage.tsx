import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { idempotencyKey } from '../../../api/client';
import { nameOf, say } from '../../../api/messages';
import { ApiProblem, codeOf, fieldErrors, type Problem } from '../../../api/problem';
import { useI18n } from '../../../i18n/i18n';
import { useWorkstation } from '../../../session/workstation';
import {
  ErrorSummary,
  Loading,
  PageHeading,
  ProblemNotice,
  type FieldMessage,
  type SummaryItem,
} from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { designation } from '../../goods/describe';
import { loadGood, loadPassport } from '../../goods/load';
import { rememberChecklist } from './checklists';
import { recordStep, type StepBody } from './commands';
import { nextStep, recordsInEffect, STEPS, stepStatus, type Step } from './gates';
import { StepForm } from './StepForms';

type Notice = { kind: 'done'; step: Step; state: string } | { kind: 'changed' };

/**
 * One aid in the workshop: its gates so far, and the form of the step it waits for.
 * Every step is sent with the aid's ETag as If-Match: if someone else changed the aid
 * since this page read it, nothing is recorded (412), the page says so and reads it
 * again. A step the aid is not ready for is refused (409) with the reason, in words.
 */
export function AidPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { goodId = '' } = useParams();
  const workstation = useWorkstation();
  const aid = useResource(async () => {
    const [{ good, etag }, passport] = await Promise.all([loadGood(goodId), loadPassport(goodId)]);
    return { good, etag, passport };
  }, [goodId]);
  const [chosen, setChosen] = useState<Step | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [checks, setChecks] = useState<{ path: string; text: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ json: string; key: string } | null>(null);
  const formHeading = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  if (aid.status === 'loading') return <Loading />;
  if (aid.status === 'failed')
    return (
      <section>
        <PageHeading title={t('aid.title')}>{t('aid.title')}</PageHeading>
        <ProblemNotice problem={aid.problem} />
      </section>
    );
  const { good, etag, passport } = aid.data;
  const records = recordsInEffect(passport, good.refurbishmentCycle);
  const next = nextStep(good.state, records);
  const open = chosen ?? next;
  const serverErrors =
    problem && codeOf(problem) === 'validation'
      ? fieldErrors(problem)
      : new Map<string, string[]>();
  const errorsAt = (path: string): FieldMessage[] =>
    (serverErrors.get(path) ?? []).map((m) => say(m, i18n));
  const summary: SummaryItem[] = [
    ...checks.map((c) => ({ path: c.path, message: { text: c.text, lang: i18n.language } })),
    ...[...serverErrors].flatMap(([path, messages]) =>
      messages.map((m) => ({ path, message: say(m, i18n) })),
    ),
  ];

  function choose(step: Step) {
    setChosen(step === next ? null : step);
    setProblem(null);
    setChecks([]);
    setNotice(null);
    attempt.current = null;
    requestAnimationFrame(() => formHeading.current?.focus());
  }

  async function submit(command: StepBody) {
    if (busy) return;
    setChecks([]);
    setProblem(null);
    setNotice(null);
    const json = JSON.stringify(command);
    const key = attempt.current?.json === json ? attempt.current.key : idempotencyKey();
    attempt.current = { json, key };
    setBusy(true);
    try {
      const state = await recordStep(goodId, command, { etag, key });
      if (command.step === 'checklist' && good.make && good.model)
        rememberChecklist(
          good.make,
          good.model,
          command.body.steps.map((s) => s.step),
        );
      attempt.current = null;
      setChosen(null);
      setNotice({ kind: 'done', step: command.step, state });
      aid.reload();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      // Someone else changed this aid since the page read it: a 412 says so; so does a
      // refusal naming a state other than the one shown. It is read again before anything else.
      const stale =
        error.status === 412 ||
        (error.status === 409 &&
          error.problem.currentState !== undefined &&
          error.problem.currentState !== good.state);
      if (stale) {
        attempt.current = null;
        setChosen(null);
        setNotice({ kind: 'changed' });
        aid.reload();
      }
      if (error.status !== 412) setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  const name = designation(good, i18n);
  return (
    <article className="aid">
      <PageHeading title={`${t('aid.title')} · ${name}`}>
        <span className="eyebrow">{t('aid.title')}</span> {name}
      </PageHeading>
      <p>
        {t('aid.state')} <span className="state">{nameOf('state', good.state, i18n)}</span> ·{' '}
        {t('aid.cycle', { cycle: good.refurbishmentCycle })} ·{' '}
        <Link to={`/goods/${good.id}/passport`}>{t('aid.passport')}</Link>
      </p>
      <div ref={noticeRef} tabIndex={-1} role="status" className="outcome">
        {notice?.kind === 'done' ? (
          <p className="notice notice--done">
            {t('aid.recorded', {
              step: t(`step.${notice.step}`),
              state: nameOf('state', notice.state, i18n),
            })}
          </p>
        ) : null}
        {notice?.kind === 'changed' ? (
          <p className="notice notice--problem">{t('aid.changed')}</p>
        ) : null}
      </div>
      <nav aria-label={t('aid.steps')}>
        <ol className="steps">
          {STEPS.map((step) => {
            const status = stepStatus(step, next, good.state);
            return (
              <li key={step} className={`steps__step steps__step--${status}`}>
                <button
                  type="button"
                  className="steps__button"
                  aria-current={status === 'current' ? 'step' : undefined}
                  aria-pressed={open === step}
                  onClick={() => choose(step)}
                >
                  <span className="steps__mark" aria-hidden="true">
                    {status === 'done' ? '✓' : STEPS.indexOf(step) + 1}
                  </span>
                  {t(`step.${step}`)}
                  <span className="visually-hidden"> ({t(`aid.status.${status}`)})</span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      {next === null && chosen === null ? (
        <p className="notice">
          {t(
            ['available', 'held', 'handed-over'].includes(good.state) ? 'aid.inUse' : 'aid.noStep',
            { state: nameOf('state', good.state, i18n) },
          )}
        </p>
      ) : null}
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={summary} />
      {open ? (
        <section className="step-form" aria-labelledby="step-heading">
          <h2 id="step-heading" tabIndex={-1} ref={formHeading}>
            {t('aid.stepHeading', { step: t(`step.${open}`) })}
          </h2>
          {open !== next ? <p className="hint">{t('aid.notNext')}</p> : null}
          <StepForm
            key={`${open}-${good.revision}`}
            step={open}
            good={good}
            passport={passport}
            workstation={workstation}
            busy={busy}
            errorsAt={errorsAt}
            onSubmit={(command) => void submit(command)}
            onChecks={(found) => {
              setProblem(null);
              setChecks(found);
            }}
          />
        </section>
      ) : null}
    </article>
  );
}
