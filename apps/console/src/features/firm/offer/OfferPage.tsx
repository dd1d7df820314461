import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { ApiProblem, codeOf, type Problem } from '../../../api/problem';
import type { Unit } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import type { Check } from '../../../shared/checks';
import {
  Choices,
  ErrorSummary,
  Field,
  Loading,
  PageHeading,
  ProblemNotice,
  type FieldMessage,
} from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { useResource } from '../../../shared/use-resource';
import { loadSites } from '../../directory/load';
import { LocationSelect, SiteSelect } from '../../directory/pickers';
import { UNITS } from '../../goods/states';
import { emptyOffer, ROUTES, toOfferRequest, type OfferDraft } from './offer-form';

const GRADES = ['A', 'B', 'C', 'D'] as const;

/**
 * A construction firm offers a lot still on one of its sites: what it is, how much, the
 * window of the works during which takers may come for it, and where what nobody takes
 * goes when the window closes. Photos are given by reference (the firm's photo store).
 */
export function OfferPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const sites = useResource(
    async () => (await loadSites()).filter((s) => s.kind === 'construction-site'),
    [],
  );
  const [draft, setDraft] = useState<OfferDraft>(() => emptyOffer());
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ json: string; key: string } | null>(null);

  const labels: Record<string, string> = {
    siteId: t('offer.site'),
    locationId: t('offer.location'),
    materialFamily: t('intake.materialFamily'),
    quantity: t('intake.quantity'),
    unit: t('intake.unit'),
    conditionGrade: t('intake.conditionGrade'),
    wasteCode: t('intake.wasteCode'),
    dimensions: t('intake.dimensions'),
    weightKg: t('offer.weight'),
    availableFrom: t('offer.availableFrom'),
    mustBeGoneBy: t('offer.mustBeGoneBy'),
    'fallback.route': t('offer.route'),
    'fallback.facility': t('offer.facility'),
    photoRefs: t('offer.photoRefs'),
  };
  const messages = messagesOf(checks, problem, i18n, labels);
  const set = (change: Partial<OfferDraft>) => setDraft({ ...draft, ...change });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    const request = toOfferRequest(draft);
    if ('checks' in request) return setChecks(request.checks);
    setChecks([]);
    const json = JSON.stringify(request.body);
    const key = attempt.current?.json === json ? attempt.current.key : idempotencyKey();
    attempt.current = { json, key };
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST('/v1/lots', {
          body: request.body,
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      void navigate(`/firm/lots/${data.goodId}`, { state: { offered: true } });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  type TextField = Exclude<keyof OfferDraft, 'estimated' | 'unit' | 'conditionGrade' | 'route'>;
  const text = (
    path: TextField,
    apiPath: string,
    options: { required?: boolean; hint?: string; inputMode?: 'decimal'; type?: string } = {},
  ) => (
    <Field
      path={apiPath}
      label={labels[apiPath]}
      hint={options.hint}
      errors={messages.at(apiPath)}
      required={options.required ?? false}
    >
      {(props) => (
        <input
          {...props}
          name={apiPath}
          type={options.type ?? 'text'}
          inputMode={options.inputMode}
          autoComplete="off"
          value={draft[path]}
          onChange={(e) => set({ [path]: e.target.value })}
        />
      )}
    </Field>
  );

  if (sites.status === 'loading') return <Loading />;
  const site = sites.status === 'ready' ? sites.data.find((s) => s.id === draft.siteId) : undefined;
  return (
    <section>
      <PageHeading title={t('offer.title')}>{t('offer.title')}</PageHeading>
      <p>{t('offer.intro')}</p>
      {sites.status === 'failed' ? <ProblemNotice problem={sites.problem} /> : null}
      {sites.status === 'ready' && !sites.data.length ? (
        <p className="notice">{t('offer.noSite')}</p>
      ) : null}
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Group legend={t('offer.where')}>
          <div className="grid">
            <SiteSelect
              path="siteId"
              label={labels['siteId']!}
              sites={sites.status === 'ready' ? sites.data : []}
              value={draft.siteId}
              onChange={(siteId) => set({ siteId, locationId: '' })}
              errors={messages.at('siteId')}
              required
            />
            <LocationSelect
              path="locationId"
              label={labels['locationId']!}
              hint={t('offer.locationHint')}
              site={site}
              value={draft.locationId}
              onChange={(locationId) => set({ locationId })}
              errors={messages.at('locationId')}
              required
            />
          </div>
        </Group>

        <Group legend={t('offer.what')}>
          <div className="grid">
            {text('materialFamily', 'materialFamily', {
              required: true,
              hint: t('intake.materialFamilyHint'),
            })}
            {text('quantity', 'quantity', { required: true, inputMode: 'decimal' })}
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
            <label className="check">
              <input
                type="checkbox"
                name="estimated"
                checked={draft.estimated}
                onChange={(e) => set({ estimated: e.target.checked })}
              />
              {t('offer.estimated')}
            </label>
          </div>
          <Choices
            path="conditionGrade"
            legend={labels['conditionGrade']}
            errors={messages.at('conditionGrade')}
          >
            {GRADES.map((grade) => (
              <label key={grade} className="choice choice--small">
                <input
                  type="radio"
                  name="conditionGrade"
                  value={grade}
                  checked={draft.conditionGrade === grade}
                  onChange={() => set({ conditionGrade: grade })}
                />
                {t(`grade.${grade}`)}
              </label>
            ))}
          </Choices>
          <div className="grid">
            {text('wasteCode', 'wasteCode', { required: true, hint: t('offer.wasteCodeHint') })}
            {text('dimensions', 'dimensions')}
            {text('weightKg', 'weightKg', { inputMode: 'decimal' })}
          </div>
          <p className="hint">{t('offer.hazardous')}</p>
        </Group>

        <Group legend={t('offer.window')}>
          <p className="hint">{t('offer.windowHint')}</p>
          <div className="grid">
            {text('availableFrom', 'availableFrom', { required: true, type: 'datetime-local' })}
            {text('mustBeGoneBy', 'mustBeGoneBy', { required: true, type: 'datetime-local' })}
          </div>
        </Group>

        <Group legend={t('offer.fallback')}>
          <p className="hint">{t('offer.fallbackHint')}</p>
          <Choices
            path="fallback.route"
            legend={labels['fallback.route']}
            errors={messages.at('fallback.route')}
          >
            {ROUTES.map((route) => (
              <label key={route} className="choice choice--small">
                <input
                  type="radio"
                  name="route"
                  value={route}
                  checked={draft.route === route}
                  onChange={() => set({ route })}
                />
                {t(`route.${route}`)}
              </label>
            ))}
          </Choices>
          {text('facility', 'fallback.facility', {
            required: true,
            hint: t('offer.facilityHint'),
          })}
        </Group>

        <Group legend={t('offer.photos')}>
          <PhotoRefs
            value={draft.photoRefs}
            label={labels['photoRefs']!}
            hint={t('offer.photoRefsHint')}
            errors={messages.at('photoRefs')}
            onChange={(photoRefs) => set({ photoRefs })}
          />
        </Group>

        <div className="submit-bar">
          <button type="submit" className="button button--primary button--large" disabled={busy}>
            {busy ? t('intake.sending') : t('offer.submit')}
          </button>
          <Link to="/firm/lots">{t('offer.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}

function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="group">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

function PhotoRefs({
  value,
  label,
  hint,
  errors,
  onChange,
}: {
  value: string;
  label: string;
  hint: string;
  errors: FieldMessage[];
  onChange: (value: string) => void;
}) {
  return (
    <Field path="photoRefs" label={label} hint={hint} errors={errors}>
      {(props) => (
        <textarea
          {...props}
          name="photoRefs"
          rows={3}
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
