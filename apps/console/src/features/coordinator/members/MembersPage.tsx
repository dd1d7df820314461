import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { ApiProblem, codeOf, type Problem } from '../../../api/problem';
import type { Organisation, OrganisationKind } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { Checks, type Check } from '../../../shared/checks';
import { ErrorSummary, Field, Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { DataTable } from '../../../shared/table';
import { useResource } from '../../../shared/use-resource';
import { loadOrganisations } from '../../directory/load';
import { ORGANISATION_KINDS } from '../kinds';

/** The cluster's members: every one, and the registration of a new one. */
export function MembersPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const members = useResource(loadOrganisations, []);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OrganisationKind | ''>('');
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [registered, setRegistered] = useState<{ id: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());
  const labels = { name: t('members.name'), kind: t('members.kind') };
  const messages = messagesOf(checks, problem, i18n, labels);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setRegistered(null);
    const found = new Checks();
    const chosenName = found.text('name', name);
    const chosenKind = found.choice('kind', kind);
    setChecks(found.found);
    if (!found.ok) return;
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST('/v1/organisations', {
          body: { name: chosenName!, kind: chosenKind! },
          params: { header: { 'Idempotency-Key': key.current } },
        }),
      );
      key.current = idempotencyKey();
      setRegistered({ id: data.organisationId, name: chosenName! });
      setName('');
      setKind('');
      members.reload();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      // No answer: the same key again, so that a retry registers the member once.
      if (!error.offline) key.current = idempotencyKey();
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <PageHeading title={t('members.title')}>{t('members.title')}</PageHeading>
      {members.status === 'loading' ? <Loading /> : null}
      {members.status === 'failed' ? <ProblemNotice problem={members.problem} /> : null}
      {members.status === 'ready' ? (
        <DataTable<Organisation>
          caption={t('members.list', { count: members.data.length })}
          exportName={t('members.title')}
          empty={t('members.empty')}
          columns={[
            { label: t('members.name'), value: (o) => o.name },
            { label: t('members.kind'), value: (o) => nameOf('organisationKind', o.kind, i18n) },
            {
              label: t('members.sites'),
              value: () => null,
              exported: false,
              cell: (o) => (
                <Link
                  to={`/coordination/sites?organisationId=${o.id}`}
                  aria-label={t('members.sitesOf', { name: o.name })}
                >
                  {t('members.sites')}
                </Link>
              ),
            },
            { label: t('members.id'), value: (o) => o.id, cell: (o) => <code>{o.id}</code> },
          ]}
          rows={[...members.data].sort((a, b) => a.name.localeCompare(b.name, 'fr'))}
          rowKey={(o) => o.id}
        />
      ) : null}

      <section aria-labelledby="register-member">
        <h2 id="register-member">{t('members.register')}</h2>
        <div role="status" className="outcome">
          {registered ? (
            <p className="notice notice--done">
              {t('members.registered', { name: registered.name })}{' '}
              <Link to={`/coordination/sites?organisationId=${registered.id}`}>
                {t('members.addSite')}
              </Link>
            </p>
          ) : null}
        </div>
        {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
        <ErrorSummary title={t('form.problems')} items={messages.summary} />
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <div className="grid">
            <Field path="name" label={labels.name} errors={messages.at('name')} required>
              {(props) => (
                <input
                  {...props}
                  name="name"
                  autoComplete="organization"
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                />
              )}
            </Field>
            <Field path="kind" label={labels.kind} errors={messages.at('kind')} required>
              {(props) => (
                <select
                  {...props}
                  name="kind"
                  value={kind}
                  onChange={(e) => setKind(e.target.value as OrganisationKind)}
                >
                  <option value="">{t('picker.choose')}</option>
                  {ORGANISATION_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {nameOf('organisationKind', k, i18n)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('members.submit')}
            </button>
          </div>
        </form>
      </section>
    </section>
  );
}
