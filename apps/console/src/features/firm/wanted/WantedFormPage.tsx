import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { ApiProblem, codeOf, type Problem } from '../../../api/problem';
import type { Unit } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import type { Check } from '../../../shared/checks';
import { Choices, ErrorSummary, Field, PageHeading, ProblemNotice } from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { UNITS } from '../../goods/states';
import { emptyWanted, toWantedRequest, type WantedDraft } from '../../matching/need-form';
import { PositionFields } from '../../matching/PositionFields';
import { Group } from '../../matching/parts';

const GRADES = ['A', 'B', 'C', 'D'] as const;

/**
 * An entry of the firm's wanted list: so much of a material, in at least some condition,
 * by a deadline, within an area. Lots offered that fit are proposed to it.
 */
export function WantedFormPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const [draft, setDraft] = useState<WantedDraft>(() => emptyWanted());
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ json: string; key: string } | null>(null);
  const labels: Record<string, string> = {
    materialFamily: t('intake.materialFamily'),
    quantity: t('intake.quantity'),
    unit: t('intake.unit'),
    minConditionGrade: t('wanted.minGrade'),
    deadline: t('wanted.deadline'),
    'area.locality': t('place.locality'),
    'area.position.latitude': t('place.latitude'),
    'area.position.longitude': t('place.longitude'),
    'area.radiusKm': t('wanted.radiusKm'),
  };
  const messages = messagesOf(checks, problem, i18n, labels);
  const set = (change: Partial<WantedDraft>) => setDraft((d) => ({ ...d, ...change }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    const request = toWantedRequest(draft);
    if ('checks' in request) return setChecks(request.checks);
    setChecks([]);
    const json = JSON.stringify(request.body);
    const key = attempt.current?.json === json ? attempt.current.key : idempotencyKey();
    attempt.current = { json, key };
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST('/v1/needs', {
          body: request.body,
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      void navigate(`/firm/wanted/${data.needId}`);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  const text = (
    field: 'materialFamily' | 'quantity' | 'deadline' | 'radiusKm',
    path: string,
    options: { hint?: string; inputMode?: 'decimal'; type?: string } = {},
  ) => (
    <Field path={path} label={labels[path]} hint={options.hint} errors={messages.at(path)} required>
      {(props) => (
        <input
          {...props}
          name={path}
          type={options.type ?? 'text'}
          inputMode={options.inputMode}
          autoComplete="off"
          value={draft[field]}
          onChange={(e) => set({ [field]: e.target.value })}
        />
      )}
    </Field>
  );

  return (
    <section>
      <PageHeading title={t('wanted.newTitle')}>{t('wanted.newTitle')}</PageHeading>
      <p>{t('wanted.intro')}</p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Group legend={t('wanted.what')}>
          <div className="grid">
            {text('materialFamily', 'materialFamily', { hint: t('intake.materialFamilyHint') })}
            {text('quantity', 'quantity', { inputMode: 'decimal' })}
            <Field path="unit" label={labels['unit']} errors={messages.at('unit')} required>
              {(props) => (
                <select
                  {...props}
                  name="unit"
                  value={draft.unit}
                  onChange={(e) => set({ unit: e.target.value as Unit })}
                >
                  {UNITS.map((unit) => (
                    <option key={unit} value={unit}>
                      {t(`unitName.${unit}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Choices
            path="minConditionGrade"
            legend={labels['minConditionGrade']}
            errors={messages.at('minConditionGrade')}
          >
            {GRADES.map((grade) => (
              <label key={grade} className="choice choice--small">
                <input
                  type="radio"
                  name="minConditionGrade"
                  value={grade}
                  checked={draft.minConditionGrade === grade}
                  onChange={() => set({ minConditionGrade: grade })}
                />
                {t(`grade.${grade}`)}
              </label>
            ))}
          </Choices>
          <p className="hint">{t('wanted.minGradeHint')}</p>
          {text('deadline', 'deadline', { type: 'datetime-local' })}
        </Group>
        <Group legend={t('wanted.area')}>
          <PositionFields
            prefix="area"
            value={draft}
            onChange={set}
            labels={labels}
            messages={messages}
          />
          {text('radiusKm', 'area.radiusKm', { inputMode: 'decimal' })}
        </Group>
        <div className="submit-bar">
          <button type="submit" className="button button--primary button--large" disabled={busy}>
            {busy ? t('intake.sending') : t('wanted.submit')}
          </button>
          <Link to="/firm/wanted">{t('offer.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}
