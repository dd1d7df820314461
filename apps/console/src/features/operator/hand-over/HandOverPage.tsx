import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { say } from '../../../api/messages';
import { ApiProblem, codeOf, fieldErrors, type Problem } from '../../../api/problem';
import { useI18n } from '../../../i18n/i18n';
import {
  ErrorSummary,
  Field,
  Loading,
  PageHeading,
  ProblemNotice,
  type FieldMessage,
} from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { designation, shortId } from '../../goods/describe';
import { loadGood } from '../../goods/load';

const OPAQUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Hands what a hold keeps over to its beneficiary, named by the reference matching gave
 * them (never a name: the ledger keeps it forever).
 */
export function HandOverPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { holdId = '' } = useParams();
  const [params] = useSearchParams();
  const goodId = params.get('goodId') ?? '';
  const good = useResource(async () => (goodId ? (await loadGood(goodId)).good : null), [goodId]);
  const [beneficiaryRef, setBeneficiaryRef] = useState('');
  const [error, setError] = useState<FieldMessage | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());

  async function submit(event: FormEvent) {
    event.preventDefault();
    const ref = beneficiaryRef.trim();
    setProblem(null);
    if (!ref) return setError({ text: t('rule.required'), lang: i18n.language });
    if (!OPAQUE.test(ref)) return setError({ text: t('rule.opaqueRef'), lang: i18n.language });
    setError(null);
    setBusy(true);
    try {
      await unwrap(
        api.POST('/v1/holds/{holdId}/hand-over', {
          params: { path: { holdId }, header: { 'Idempotency-Key': key.current } },
          body: { beneficiaryRef: ref },
        }),
      );
      setDone(true);
    } catch (caught) {
      if (!(caught instanceof ApiProblem)) throw caught;
      const fields = fieldErrors(caught.problem).get('beneficiaryRef');
      if (fields?.length) setError(say(fields[0]!, i18n));
      else setProblem(caught.problem);
      // A refusal is judged afresh: the corrected request may keep its key, but a new one is clearer.
      if (!caught.offline) key.current = idempotencyKey();
    } finally {
      setBusy(false);
    }
  }

  const hold =
    good.status === 'ready' ? good.data?.activeHolds.find((h) => h.holdId === holdId) : undefined;
  return (
    <section>
      <PageHeading title={t('handOver.title')}>{t('handOver.title')}</PageHeading>
      {good.status === 'loading' ? <Loading /> : null}
      {good.status === 'ready' && good.data ? (
        <dl className="facts">
          <dt>{t('handOver.good')}</dt>
          <dd>
            <Link to={`/goods/${good.data.id}/passport`}>{designation(good.data, i18n)}</Link>
          </dd>
          <dt>{t('handOver.hold')}</dt>
          <dd>
            <code>{shortId(holdId)}</code>
            {hold
              ? ` · ${t('handOver.holdFor', { holder: hold.holderId, quantity: i18n.number(Number(hold.quantity)) })}`
              : ''}
          </dd>
        </dl>
      ) : null}
      {done ? (
        <div className="notice notice--done" role="status">
          <p>{t('handOver.done')}</p>
          {goodId ? <Link to={`/goods/${goodId}/passport`}>{t('handOver.back')}</Link> : null}
        </div>
      ) : (
        <>
          {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
          <ErrorSummary
            title={t('form.problems')}
            items={
              error
                ? [{ path: 'beneficiaryRef', label: t('handOver.beneficiaryRef'), message: error }]
                : []
            }
          />
          <form onSubmit={(e) => void submit(e)} noValidate className="form">
            <Field
              path="beneficiaryRef"
              label={t('handOver.beneficiaryRef')}
              hint={t('handOver.beneficiaryRefHint')}
              errors={error ? [error] : []}
              required
            >
              {(props) => (
                <input
                  {...props}
                  name="beneficiaryRef"
                  autoComplete="off"
                  spellCheck={false}
                  value={beneficiaryRef}
                  onChange={(e) => setBeneficiaryRef(e.target.value)}
                />
              )}
            </Field>
            <button type="submit" className="button button--primary button--large" disabled={busy}>
              {t('handOver.submit')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
