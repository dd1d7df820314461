import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../api/client';
import { ApiProblem, codeOf, type Problem } from '../../api/problem';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import type { Check } from '../../shared/checks';
import { Choices, ErrorSummary, Field, PageHeading, ProblemNotice } from '../../shared/form';
import { messagesOf } from '../../shared/messages-of';
import { ISO_CLASSES, isoKey } from '../matching/iso-classes';
import {
  AID_REASONS,
  emptyAidNeed,
  toAidNeedRequest,
  URGENCIES,
  type AidNeedDraft,
} from '../matching/need-form';
import { Group } from '../matching/parts';
import { PositionFields } from '../matching/PositionFields';

/**
 * A need for a medical aid, stated by the beneficiary or by the social worker acting for
 * them: the ISO class, the sizes it must have, how urgent (a hospital discharge's day), and
 * where. The person's name and contact are sent once; the need's page shows them as the
 * API answers, nothing is kept on the device.
 */
export function NeedFormPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const navigate = useNavigate();
  const forSomeoneElse = session?.role !== 'beneficiary';
  const [draft, setDraft] = useState<AidNeedDraft>(() => emptyAidNeed());
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ json: string; key: string } | null>(null);

  const labels: Record<string, string> = {
    isoClass: t('need.isoClass'),
    beneficiary: t('need.beneficiary'),
    'beneficiary.name': t('need.name'),
    'beneficiary.contact': t('need.contact'),
    'beneficiary.contact.phone': t('need.phone'),
    'beneficiary.contact.email': t('need.email'),
    'constraints.seatWidthCm.min': t('need.seatWidthMin'),
    'constraints.seatDepthCm.min': t('need.seatDepthMin'),
    'constraints.userWeightKg': t('need.userWeightKg'),
    'health.notes': t('need.notes'),
    'urgency.level': t('need.urgency'),
    'urgency.reason': t('need.reason'),
    'urgency.neededBy': t('need.neededBy'),
    'location.locality': t('place.locality'),
    'location.position.latitude': t('place.latitude'),
    'location.position.longitude': t('place.longitude'),
    maxDistanceKm: t('need.maxDistanceKm'),
  };
  const messages = messagesOf(checks, problem, i18n, labels);
  const set = (change: Partial<AidNeedDraft>) => setDraft((d) => ({ ...d, ...change }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    const request = toAidNeedRequest(draft, { forSomeoneElse });
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
      void navigate(`/needs/${data.needId}`, { state: { registered: true } });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  type TextField =
    | 'name'
    | 'phone'
    | 'email'
    | 'seatWidthMin'
    | 'seatDepthMin'
    | 'userWeightKg'
    | 'neededBy'
    | 'maxDistanceKm';
  const text = (
    field: TextField,
    path: string,
    options: {
      required?: boolean;
      hint?: string;
      inputMode?: 'decimal' | 'numeric' | 'tel' | 'email';
      type?: string;
      autoComplete?: string;
    } = {},
  ) => (
    <Field
      path={path}
      label={labels[path]}
      hint={options.hint}
      errors={messages.at(path)}
      required={options.required ?? false}
    >
      {(props) => (
        <input
          {...props}
          name={path}
          type={options.type ?? 'text'}
          inputMode={options.inputMode}
          autoComplete={options.autoComplete ?? 'off'}
          value={draft[field]}
          onChange={(e) => set({ [field]: e.target.value })}
        />
      )}
    </Field>
  );

  return (
    <section>
      <PageHeading title={t('need.newTitle')}>{t('need.newTitle')}</PageHeading>
      <p>{forSomeoneElse ? t('need.introWorker') : t('need.introBeneficiary')}</p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Group legend={t('need.what')}>
          <Field
            path="isoClass"
            label={labels['isoClass']}
            errors={messages.at('isoClass')}
            required
          >
            {(props) => (
              <select
                {...props}
                name="isoClass"
                value={draft.isoClass}
                onChange={(e) => set({ isoClass: e.target.value })}
              >
                <option value="">{t('need.chooseClass')}</option>
                {ISO_CLASSES.map((code) => (
                  <option key={code} value={code}>
                    {code} · {t(isoKey(code))}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <p className="hint">{t('need.sizesHint')}</p>
          <div className="grid">
            {text('seatWidthMin', 'constraints.seatWidthCm.min', { inputMode: 'decimal' })}
            {text('seatDepthMin', 'constraints.seatDepthCm.min', { inputMode: 'decimal' })}
            {text('userWeightKg', 'constraints.userWeightKg', { inputMode: 'numeric' })}
          </div>
          <div className="grid">
            <label className="check">
              <input
                type="checkbox"
                name="foldable"
                checked={draft.foldable}
                onChange={(e) => set({ foldable: e.target.checked })}
              />
              {t('need.foldable')}
            </label>
            <label className="check">
              <input
                type="checkbox"
                name="electric"
                checked={draft.electric}
                onChange={(e) => set({ electric: e.target.checked })}
              />
              {t('need.electric')}
            </label>
          </div>
        </Group>

        {forSomeoneElse ? (
          <Group legend={t('need.beneficiary')}>
            <p className="hint">{t('need.personalHint')}</p>
            {messages.at('beneficiary').length ? (
              <p className="field__error" id="f-beneficiary">
                {messages.at('beneficiary').map((m, i) => (
                  <span key={i} lang={m.lang}>
                    {m.text}{' '}
                  </span>
                ))}
              </p>
            ) : null}
            {text('name', 'beneficiary.name', { required: true, autoComplete: 'off' })}
            {messages.at('beneficiary.contact').length ? (
              <p className="field__error" id="f-beneficiary-contact">
                {messages.at('beneficiary.contact').map((m, i) => (
                  <span key={i} lang={m.lang}>
                    {m.text}{' '}
                  </span>
                ))}
              </p>
            ) : null}
            <div className="grid">
              {text('phone', 'beneficiary.contact.phone', { type: 'tel', inputMode: 'tel' })}
              {text('email', 'beneficiary.contact.email', { type: 'email', inputMode: 'email' })}
            </div>
          </Group>
        ) : null}

        <Group legend={t('need.when')}>
          <Choices
            path="urgency.level"
            legend={labels['urgency.level']}
            errors={messages.at('urgency.level')}
          >
            {URGENCIES.map((level) => (
              <label key={level} className="choice choice--small">
                <input
                  type="radio"
                  name="urgency"
                  value={level}
                  checked={draft.urgency === level}
                  onChange={() => set({ urgency: level })}
                />
                {t(`urgency.${level}`)}
              </label>
            ))}
          </Choices>
          <div className="grid">
            <Field
              path="urgency.reason"
              label={labels['urgency.reason']}
              errors={messages.at('urgency.reason')}
            >
              {(props) => (
                <select
                  {...props}
                  name="reason"
                  value={draft.reason}
                  onChange={(e) => set({ reason: e.target.value as AidNeedDraft['reason'] })}
                >
                  <option value="">{t('need.noReason')}</option>
                  {AID_REASONS.map((reason) => (
                    <option key={reason} value={reason}>
                      {t(`aidReason.${reason}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {text('neededBy', 'urgency.neededBy', { type: 'date', hint: t('need.neededByHint') })}
          </div>
          <Field
            path="health.notes"
            label={labels['health.notes']}
            hint={t('need.notesHint')}
            errors={messages.at('health.notes')}
          >
            {(props) => (
              <textarea
                {...props}
                name="notes"
                rows={3}
                value={draft.notes}
                onChange={(e) => set({ notes: e.target.value })}
              />
            )}
          </Field>
        </Group>

        <Group legend={t('need.where')}>
          <PositionFields
            prefix="location"
            value={draft}
            onChange={set}
            labels={labels}
            messages={messages}
          />
          {text('maxDistanceKm', 'maxDistanceKm', {
            inputMode: 'decimal',
            hint: t('need.maxDistanceHint'),
          })}
        </Group>

        <div className="submit-bar">
          <button type="submit" className="button button--primary button--large" disabled={busy}>
            {busy ? t('intake.sending') : t('need.submit')}
          </button>
          <Link to="/needs">{t('offer.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}
