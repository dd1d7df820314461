import { useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { ApiProblem, codeOf, type Problem } from '../../../api/problem';
import type { Certificate } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { Checks, type Check } from '../../../shared/checks';
import { zonedToday } from '../../../shared/dates';
import { ErrorSummary, Field, Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { DataTable } from '../../../shared/table';
import { useResource } from '../../../shared/use-resource';
import { bySiteName, loadCertificates, loadSites } from '../../directory/load';
import { SiteSelect } from '../../directory/pickers';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A refurbishment centre's NF S97-414 certificates, valid or not, and what the coordinator
 * does with them: record one with its dates, or revoke one (aids certified under it are
 * not released until certified again under a valid one).
 */
export function CertificatesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const siteId = params.get('siteId') ?? '';
  const sites = useResource(async () => (await loadSites()).sort(bySiteName), []);
  const certificates = useResource(
    async () => (siteId ? loadCertificates(siteId) : null),
    [siteId],
  );
  const [revoking, setRevoking] = useState<Certificate | null>(null);
  const [done, setDone] = useState<string | null>(null);

  return (
    <section>
      <PageHeading title={t('certificates.title')}>{t('certificates.title')}</PageHeading>
      {sites.status === 'failed' ? <ProblemNotice problem={sites.problem} /> : null}
      <form
        className="filters"
        role="search"
        aria-label={t('certificates.filter')}
        onSubmit={(e) => e.preventDefault()}
      >
        <SiteSelect
          path="siteId"
          label={t('certificates.site')}
          sites={sites.status === 'ready' ? sites.data : []}
          value={siteId}
          onChange={(id) => {
            setRevoking(null);
            setDone(null);
            setParams(id ? { siteId: id } : {});
          }}
        />
      </form>
      <div role="status" className="outcome">
        {done ? <p className="notice notice--done">{done}</p> : null}
      </div>
      {!siteId ? <p>{t('certificates.chooseSite')}</p> : null}
      {certificates.status === 'loading' && siteId ? <Loading /> : null}
      {certificates.status === 'failed' ? <ProblemNotice problem={certificates.problem} /> : null}
      {certificates.status === 'ready' && certificates.data ? (
        <>
          <DataTable<Certificate>
            caption={t('certificates.list', { count: certificates.data.length })}
            exportName={`${t('certificates.title')}-${
              sites.status === 'ready' ? (sites.data.find((s) => s.id === siteId)?.name ?? '') : ''
            }`}
            empty={t('certificates.empty')}
            columns={[
              { label: t('certificates.reference'), value: (c) => c.reference },
              {
                label: t('certificates.validFrom'),
                value: (c) => c.validFrom,
                cell: (c) => i18n.day(c.validFrom),
              },
              {
                label: t('certificates.validUntil'),
                value: (c) => c.validUntil,
                cell: (c) => i18n.day(c.validUntil),
              },
              {
                label: t('certificates.revokedAt'),
                value: (c) => c.revokedAt ?? '',
                cell: (c) => (c.revokedAt ? i18n.moment(c.revokedAt) : '—'),
              },
              {
                label: t('certificates.valid'),
                value: (c) => t(c.valid ? 'common.yes' : 'common.no'),
              },
              {
                label: t('certificates.action'),
                value: () => null,
                exported: false,
                cell: (c) =>
                  c.revokedAt ? null : (
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => {
                        setDone(null);
                        setRevoking(c);
                      }}
                    >
                      {t('certificates.revoke')}
                      <span className="visually-hidden"> {c.reference}</span>
                    </button>
                  ),
              },
            ]}
            rows={certificates.data}
            rowKey={(c) => c.id}
          />
          {revoking ? (
            <RevokeForm
              key={revoking.id}
              certificate={revoking}
              onCancel={() => setRevoking(null)}
              onDone={() => {
                setDone(t('certificates.revoked', { reference: revoking.reference }));
                setRevoking(null);
                certificates.reload();
              }}
            />
          ) : null}
          <RecordForm
            siteId={siteId}
            onDone={(reference) => {
              setDone(t('certificates.recorded', { reference }));
              certificates.reload();
            }}
          />
        </>
      ) : null}
    </section>
  );
}

function RecordForm({ siteId, onDone }: { siteId: string; onDone: (reference: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [draft, setDraft] = useState({ reference: '', validFrom: zonedToday(), validUntil: '' });
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());
  const labels = {
    reference: t('certificates.reference'),
    validFrom: t('certificates.validFrom'),
    validUntil: t('certificates.validUntil'),
  };
  const messages = messagesOf(checks, problem, i18n, labels);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const found = new Checks();
    const reference = found.text('reference', draft.reference, { max: 100 });
    for (const name of ['validFrom', 'validUntil'] as const)
      if (!DAY.test(draft[name])) found.fail(name, draft[name] ? 'rule.day' : 'rule.required');
    if (found.ok && draft.validUntil < draft.validFrom) found.fail('validUntil', 'rule.afterStart');
    setChecks(found.found);
    if (!found.ok) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST('/v1/certificates', {
          body: {
            siteId,
            reference: reference!,
            validFrom: draft.validFrom,
            validUntil: draft.validUntil,
          },
          params: { header: { 'Idempotency-Key': key.current } },
        }),
      );
      key.current = idempotencyKey();
      setDraft({ reference: '', validFrom: zonedToday(), validUntil: '' });
      onDone(reference!);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (!error.offline) key.current = idempotencyKey();
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="record-certificate">
      <h2 id="record-certificate">{t('certificates.record')}</h2>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="grid">
          {(['reference', 'validFrom', 'validUntil'] as const).map((name) => (
            <Field
              key={name}
              path={name}
              label={labels[name]}
              hint={name === 'reference' ? t('certificates.referenceHint') : undefined}
              errors={messages.at(name)}
              required
            >
              {(props) => (
                <input
                  {...props}
                  name={name}
                  type={name === 'reference' ? 'text' : 'date'}
                  autoComplete="off"
                  value={draft[name]}
                  onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
        <div>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t('certificates.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function RevokeForm({
  certificate,
  onCancel,
  onDone,
}: {
  certificate: Certificate;
  onCancel: () => void;
  onDone: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [reason, setReason] = useState('');
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());
  const messages = messagesOf(checks, problem, i18n, { reason: t('certificates.reason') });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const found = new Checks();
    const why = found.text('reason', reason, { max: 500 });
    setChecks(found.found);
    if (!found.ok) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST('/v1/certificates/{certificateId}/revocation', {
          params: {
            path: { certificateId: certificate.id },
            header: { 'Idempotency-Key': key.current },
          },
          body: { reason: why! },
        }),
      );
      onDone();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (!error.offline) key.current = idempotencyKey();
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="revoke-certificate" className="notice notice--kept">
      <h2 id="revoke-certificate">
        {t('certificates.revokeTitle', { reference: certificate.reference })}
      </h2>
      <p>{t('certificates.revokeText')}</p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Field
          path="reason"
          label={t('certificates.reason')}
          hint={t('certificates.reasonHint')}
          errors={messages.at('reason')}
          required
        >
          {(props) => (
            <textarea
              {...props}
              name="reason"
              rows={2}
              autoFocus
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {t('certificates.revokeSubmit')}
          </button>
          <button type="button" className="button button--quiet" onClick={onCancel}>
            {t('certificates.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
