import { useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { ApiProblem, codeOf, type Problem } from '../../../api/problem';
import type { Site, SiteKind } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import type { Check } from '../../../shared/checks';
import { ErrorSummary, Field, Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { DataTable } from '../../../shared/table';
import { useResource } from '../../../shared/use-resource';
import { bySiteName, loadOrganisations, loadSites } from '../../directory/load';
import { MemberSelect } from '../../directory/pickers';
import { SITE_KINDS } from '../kinds';
import { emptySite, toSiteRequest, type SiteDraft } from './site-form';

/**
 * The members' sites with their storage locations and their place on the map, one member's
 * or every one's, and the registration of a new site. The member chosen is in the address.
 */
export function SitesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const organisationId = params.get('organisationId') ?? '';
  const members = useResource(loadOrganisations, []);
  const sites = useResource(() => loadSites(organisationId || undefined), [organisationId]);
  const [draft, setDraft] = useState<SiteDraft>(() => emptySite(organisationId));
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [registered, setRegistered] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ json: string; key: string } | null>(null);
  const organisations = members.status === 'ready' ? members.data : [];
  const memberName = (id: string) => organisations.find((o) => o.id === id)?.name ?? id;

  const labels: Record<string, string> = {
    organisationId: t('sites.member'),
    name: t('sites.name'),
    kind: t('sites.kind'),
    locality: t('sites.locality'),
    'position.latitude': t('sites.latitude'),
    'position.longitude': t('sites.longitude'),
    locations: t('sites.locations'),
  };
  const messages = messagesOf(checks, problem, i18n, labels);
  const set = (change: Partial<SiteDraft>) => setDraft({ ...draft, ...change });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    setRegistered(null);
    const request = toSiteRequest(draft);
    if ('checks' in request) return setChecks(request.checks);
    setChecks([]);
    const json = JSON.stringify(request.body);
    const key = attempt.current?.json === json ? attempt.current.key : idempotencyKey();
    attempt.current = { json, key };
    setBusy(true);
    try {
      await unwrap(
        api.POST('/v1/sites', {
          body: request.body,
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      attempt.current = null;
      setRegistered(request.body.name);
      setDraft(emptySite(draft.organisationId));
      sites.reload();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  const text = (
    name: 'name' | 'locality' | 'latitude' | 'longitude',
    path: string,
    options: { required?: boolean; inputMode?: 'decimal'; hint?: string } = {},
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
          inputMode={options.inputMode}
          autoComplete="off"
          value={draft[name]}
          onChange={(e) => set({ [name]: e.target.value })}
        />
      )}
    </Field>
  );

  return (
    <section>
      <PageHeading title={t('sites.title')}>{t('sites.title')}</PageHeading>
      <form
        className="filters"
        role="search"
        aria-label={t('sites.filter')}
        onSubmit={(e) => e.preventDefault()}
      >
        <MemberSelect
          path="filter-organisationId"
          label={t('sites.ofMember')}
          organisations={organisations}
          value={organisationId}
          allLabel={t('sites.allMembers')}
          onChange={(id) => {
            setParams(id ? { organisationId: id } : {});
            set({ organisationId: id || draft.organisationId });
          }}
        />
      </form>
      {sites.status === 'loading' ? <Loading /> : null}
      {sites.status === 'failed' ? <ProblemNotice problem={sites.problem} /> : null}
      {sites.status === 'ready' ? (
        <DataTable<Site>
          caption={t('sites.list', { count: sites.data.length })}
          exportName={t('sites.title')}
          empty={t('sites.empty')}
          columns={[
            { label: t('sites.name'), value: (s) => s.name },
            { label: t('sites.member'), value: (s) => memberName(s.organisationId) },
            { label: t('sites.kind'), value: (s) => nameOf('siteKind', s.kind, i18n) },
            { label: t('sites.locality'), value: (s) => s.locality },
            {
              label: t('sites.latitude'),
              value: (s) => s.position?.latitude ?? null,
              numeric: true,
              cell: (s) => (s.position ? i18n.number(s.position.latitude, 6) : '—'),
            },
            {
              label: t('sites.longitude'),
              value: (s) => s.position?.longitude ?? null,
              numeric: true,
              cell: (s) => (s.position ? i18n.number(s.position.longitude, 6) : '—'),
            },
            {
              label: t('sites.locations'),
              value: (s) => s.locations.map((l) => l.name).join(', '),
            },
            { label: t('sites.id'), value: (s) => s.id, cell: (s) => <code>{s.id}</code> },
          ]}
          rows={[...sites.data].sort(bySiteName)}
          rowKey={(s) => s.id}
        />
      ) : null}

      <section aria-labelledby="register-site">
        <h2 id="register-site">{t('sites.register')}</h2>
        <div role="status" className="outcome">
          {registered ? (
            <p className="notice notice--done">{t('sites.registered', { name: registered })}</p>
          ) : null}
        </div>
        {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
        <ErrorSummary title={t('form.problems')} items={messages.summary} />
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <div className="grid">
            <MemberSelect
              path="organisationId"
              label={labels['organisationId']!}
              organisations={organisations}
              value={draft.organisationId}
              errors={messages.at('organisationId')}
              onChange={(id) => set({ organisationId: id })}
              required
            />
            {text('name', 'name', { required: true })}
            <Field path="kind" label={labels['kind']} errors={messages.at('kind')} required>
              {(props) => (
                <select
                  {...props}
                  name="kind"
                  value={draft.kind}
                  onChange={(e) => set({ kind: e.target.value as SiteKind })}
                >
                  <option value="">{t('picker.choose')}</option>
                  {SITE_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {nameOf('siteKind', k, i18n)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {text('locality', 'locality', { required: true })}
          </div>
          <fieldset className="group">
            <legend>{t('sites.position')}</legend>
            <p className="hint">{t('sites.positionHint')}</p>
            <div className="grid">
              {text('latitude', 'position.latitude', { inputMode: 'decimal' })}
              {text('longitude', 'position.longitude', { inputMode: 'decimal' })}
            </div>
          </fieldset>
          <Field
            path="locations"
            label={labels['locations']}
            hint={t('sites.locationsHint')}
            errors={messages.at('locations')}
            required
          >
            {(props) => (
              <textarea
                {...props}
                name="locations"
                rows={4}
                value={draft.locations}
                onChange={(e) => set({ locations: e.target.value })}
              />
            )}
          </Field>
          <div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('sites.submit')}
            </button>
          </div>
        </form>
      </section>
    </section>
  );
}
