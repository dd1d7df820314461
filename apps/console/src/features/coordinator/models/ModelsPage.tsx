import { useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { ApiProblem, codeOf, type Problem } from '../../../api/problem';
import { useI18n } from '../../../i18n/i18n';
import type { Check } from '../../../shared/checks';
import { ErrorSummary, Field, Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { DataTable } from '../../../shared/table';
import { useResource } from '../../../shared/use-resource';
import { loadDeviceModel } from '../../directory/load';
import { EMPTY_MODEL, toModelRequest, type ModelDraft } from './model-form';

/**
 * The medical aid models the cluster certifies: one looked up by make and model (its
 * current version, lifetime and refurbishment checklist, which workshops tick), and the
 * registration of a model or of a new version of it (cycles under way keep theirs).
 */
export function ModelsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const make = params.get('make') ?? '';
  const model = params.get('model') ?? '';
  const [search, setSearch] = useState({ make, model });
  const found = useResource(
    async () => (make && model ? loadDeviceModel(make, model) : null),
    [make, model],
  );

  return (
    <section>
      <PageHeading title={t('models.title')}>{t('models.title')}</PageHeading>
      <p className="hint">{t('models.intro')}</p>
      <form
        className="filters"
        role="search"
        aria-label={t('models.search')}
        onSubmit={(e) => {
          e.preventDefault();
          const next = { make: search.make.trim(), model: search.model.trim() };
          if (next.make && next.model) setParams(next);
        }}
      >
        {(['make', 'model'] as const).map((name) => (
          <Field key={name} path={`search-${name}`} label={t(`models.${name}`)} required>
            {(props) => (
              <input
                {...props}
                name={`search-${name}`}
                autoComplete="off"
                value={search[name]}
                onChange={(e) => setSearch({ ...search, [name]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <button type="submit" className="button button--primary">
          {t('models.show')}
        </button>
      </form>
      {found.status === 'loading' && make ? <Loading /> : null}
      {found.status === 'failed' ? <ProblemNotice problem={found.problem} /> : null}
      {found.status === 'ready' && found.data ? (
        <section aria-labelledby="model-heading">
          <h2 id="model-heading">
            {t('models.heading', {
              make: found.data.make,
              model: found.data.model,
              version: found.data.version,
            })}
          </h2>
          <dl className="facts">
            <dt>{t('models.isoClass')}</dt>
            <dd>{found.data.isoClass}</dd>
            <dt>{t('models.lifetimeYears')}</dt>
            <dd>{t('models.years', { count: found.data.lifetimeYears })}</dd>
            <dt>{t('models.instructionsRef')}</dt>
            <dd>{found.data.instructionsRef}</dd>
          </dl>
          <DataTable<{ n: number; step: string }>
            caption={t('models.checklistOf', { make: found.data.make, model: found.data.model })}
            exportName={`${t('models.checklist')}-${found.data.make}-${found.data.model}-v${found.data.version}`}
            columns={[
              { label: t('models.n'), value: (r) => r.n, numeric: true },
              { label: t('models.step'), value: (r) => r.step },
            ]}
            rows={found.data.checklist.map((step, i) => ({ n: i + 1, step }))}
            rowKey={(r) => String(r.n)}
          />
        </section>
      ) : null}
      <RegisterForm onDone={(m) => setParams({ make: m.make, model: m.model })} />
    </section>
  );
}

function RegisterForm({ onDone }: { onDone: (model: { make: string; model: string }) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [draft, setDraft] = useState<ModelDraft>(EMPTY_MODEL);
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());
  const labels: Record<keyof ModelDraft, string> = {
    make: t('models.make'),
    model: t('models.model'),
    isoClass: t('models.isoClass'),
    lifetimeYears: t('models.lifetimeYears'),
    checklist: t('models.checklist'),
    instructionsRef: t('models.instructionsRef'),
  };
  const hints: Partial<Record<keyof ModelDraft, string>> = {
    isoClass: t('models.isoClassHint'),
    checklist: t('models.checklistHint'),
    instructionsRef: t('models.instructionsRefHint'),
  };
  const messages = messagesOf(checks, problem, i18n, labels);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    const request = toModelRequest(draft);
    if ('checks' in request) return setChecks(request.checks);
    setChecks([]);
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST('/v1/device-models', {
          body: request.body,
          params: { header: { 'Idempotency-Key': key.current } },
        }),
      );
      key.current = idempotencyKey();
      setDone(
        t('models.registered', { make: data.make, model: data.model, version: data.version }),
      );
      setDraft(EMPTY_MODEL);
      onDone(data);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (!error.offline) key.current = idempotencyKey();
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="register-model">
      <h2 id="register-model">{t('models.register')}</h2>
      <div role="status" className="outcome">
        {done ? <p className="notice notice--done">{done}</p> : null}
      </div>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="grid">
          {(['make', 'model', 'isoClass', 'lifetimeYears', 'instructionsRef'] as const).map(
            (name) => (
              <Field
                key={name}
                path={name}
                label={labels[name]}
                hint={hints[name]}
                errors={messages.at(name)}
                required
              >
                {(props) => (
                  <input
                    {...props}
                    name={name}
                    autoComplete="off"
                    inputMode={name === 'lifetimeYears' ? 'numeric' : undefined}
                    value={draft[name]}
                    onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
                  />
                )}
              </Field>
            ),
          )}
        </div>
        <Field
          path="checklist"
          label={labels.checklist}
          hint={hints.checklist}
          errors={messages.at('checklist')}
          required
        >
          {(props) => (
            <textarea
              {...props}
              name="checklist"
              rows={5}
              value={draft.checklist}
              onChange={(e) => setDraft({ ...draft, checklist: e.target.value })}
            />
          )}
        </Field>
        <div>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t('models.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
