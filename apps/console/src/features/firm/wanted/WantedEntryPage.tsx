import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { ApiProblem, codeOf, type Problem } from '../../../api/problem';
import type { CatalogueGood, CatalogueQuery, Need } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { Checks, type Check } from '../../../shared/checks';
import { ErrorSummary, Field, Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { parseDecimal } from '../../../shared/numbers';
import { useResource } from '../../../shared/use-resource';
import { CatalogueFacts, NeedReservations, useReserve, WithdrawNeed } from '../../matching/parts';

/**
 * One entry of the firm's wanted list: what it wants, its reservations, and the lots
 * offered searched by material within its area, part of a lot reserved for it.
 */
export function WantedEntryPage() {
  const { needId = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const need = useResource(
    async () =>
      (await unwrap(api.GET('/v1/needs/{needId}', { params: { path: { needId } } }))).data,
    [needId],
  );
  if (need.status === 'loading') return <Loading />;
  if (need.status === 'failed')
    return (
      <section>
        <PageHeading title={t('wanted.entry')}>{t('wanted.entry')}</PageHeading>
        <ProblemNotice problem={need.problem} />
      </section>
    );
  const n = need.data;
  return (
    <article>
      <PageHeading title={`${t('wanted.entry')} · ${n.materialFamily ?? ''}`}>
        <span className="eyebrow">{t('wanted.entry')}</span> {n.materialFamily}
      </PageHeading>
      <dl className="facts">
        <dt>{t('need.status')}</dt>
        <dd>
          <span className="state">{t(`needStatus.${n.status}`)}</span>
        </dd>
        <dt>{t('intake.quantity')}</dt>
        <dd>
          {n.quantity ? i18n.number(Number(n.quantity)) : ''}{' '}
          {n.unit ? nameOf('unit', n.unit, i18n) : ''}
        </dd>
        {n.minConditionGrade ? (
          <>
            <dt>{t('wanted.minGrade')}</dt>
            <dd>{nameOf('grade', n.minConditionGrade, i18n)}</dd>
          </>
        ) : null}
        {n.deadline ? (
          <>
            <dt>{t('wanted.deadline')}</dt>
            <dd>{i18n.moment(n.deadline)}</dd>
          </>
        ) : null}
        <dt>{t('wanted.area')}</dt>
        <dd>
          {n.locality} · {t('need.within', { km: i18n.number(n.maxDistanceKm, 1) })}
        </dd>
      </dl>
      <WithdrawNeed need={n} onDone={need.reload} />
      <NeedReservations needId={n.needId} />
      {n.status === 'open' ? <LotSearch need={n} /> : null}
    </article>
  );
}

/** Lots offered, searched by material from the entry's area. */
function LotSearch({ need }: { need: Need }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [material, setMaterial] = useState(need.materialFamily ?? '');
  const [withinKm, setWithinKm] = useState(String(need.maxDistanceKm));
  const [found, setFound] = useState<CatalogueGood[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const labels: Record<string, string> = {
    materialFamily: t('intake.materialFamily'),
    'near.withinKm': t('search.withinKm'),
  };
  const messages = messagesOf([], problem, i18n, labels);

  async function search(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const km = parseDecimal(withinKm);
    const query: CatalogueQuery = {
      kind: 'lot',
      'near.latitude': need.searchPoint.latitude,
      'near.longitude': need.searchPoint.longitude,
      // What the console cannot read as a number goes as typed: the gateway names the rule.
      ...(withinKm.trim() ? { 'near.withinKm': km ?? (withinKm as unknown as number) } : {}),
      ...(material.trim() ? { materialFamily: material.trim() } : {}),
      sort: 'distance',
      limit: 20,
    };
    setBusy(true);
    try {
      setFound((await unwrap(api.GET('/v1/catalogue', { params: { query } }))).data.goods);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
      setFound(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="lot-search">
      <h2 id="lot-search">{t('wanted.lots')}</h2>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('search.problems')} items={messages.summary} />
      <form className="form filters" role="search" onSubmit={(e) => void search(e)} noValidate>
        <div className="grid">
          <Field
            path="materialFamily"
            label={labels['materialFamily']}
            errors={messages.at('materialFamily')}
          >
            {(props) => (
              <input
                {...props}
                name="materialFamily"
                type="search"
                value={material}
                onChange={(e) => setMaterial(e.target.value)}
              />
            )}
          </Field>
          <Field
            path="near.withinKm"
            label={labels['near.withinKm']}
            errors={messages.at('near.withinKm')}
          >
            {(props) => (
              <input
                {...props}
                name="withinKm"
                inputMode="decimal"
                value={withinKm}
                onChange={(e) => setWithinKm(e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="submit-bar">
          <button type="submit" className="button button--primary" disabled={busy}>
            {t('search.submit')}
          </button>
        </div>
      </form>
      <div role="status" className="outcome">
        {found ? t('search.found', { count: found.length }) : ''}
      </div>
      {found?.length ? (
        <ul className="queue" aria-label={t('search.results')}>
          {found.map((lot) => (
            <li key={lot.goodId} className="queue__aid">
              <LotOffer lot={lot} need={need} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** A lot found, with how much of it to reserve for the entry. */
function LotOffer({ lot, need }: { lot: CatalogueGood; need: Need }) {
  const i18n = useI18n();
  const { t } = i18n;
  const available = Number(lot.availableQuantity);
  const wanted = need.quantity ? Number(need.quantity) : available;
  const [quantity, setQuantity] = useState(String(Math.min(available, wanted)).replace('.', ','));
  const [checks, setChecks] = useState<Check[]>([]);
  const { reserve, busy, problem } = useReserve();
  const path = `quantity-${lot.goodId}`;
  const messages = messagesOf(
    checks.map((c) => ({ ...c, path })),
    problem && codeOf(problem.problem) === 'validation'
      ? {
          ...problem.problem,
          errors: problem.problem.errors?.map((e) => (e.path === 'quantity' ? { ...e, path } : e)),
        }
      : null,
    i18n,
    { [path]: t('wanted.reserveQuantity') },
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const c = new Checks();
    const q = c.quantity(path, quantity, lot.unit);
    setChecks(c.found);
    if (q) void reserve(lot, need, q);
  }
  return (
    <>
      <span className="queue__name">{lot.title}</span>
      <CatalogueFacts good={lot} />
      {problem && codeOf(problem.problem) !== 'validation' ? (
        <ProblemNotice problem={problem.problem} />
      ) : null}
      <form className="lot-form" onSubmit={submit} noValidate>
        <Field
          path={path}
          label={`${t('wanted.reserveQuantity')} (${nameOf('unit', lot.unit, i18n)})`}
          errors={messages.at(path)}
          required
        >
          {(props) => (
            <input
              {...props}
              name="quantity"
              inputMode="decimal"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary" disabled={busy !== null}>
          {t('wanted.reserve')}
        </button>
      </form>
    </>
  );
}
