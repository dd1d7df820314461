import { useState, type FormEvent } from 'react';
import { useLocation, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiProblem, codeOf, type Problem } from '../../api/problem';
import type { CatalogueGood, CatalogueQuery, Need } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { ErrorSummary, Field, Loading, PageHeading, ProblemNotice } from '../../shared/form';
import { messagesOf } from '../../shared/messages-of';
import { useResource } from '../../shared/use-resource';
import { ISO_CLASSES, isoKey, isoName } from '../matching/iso-classes';
import { CatalogueFacts, NeedReservations, useReserve, WithdrawNeed } from '../matching/parts';
import { parseDecimal } from '../../shared/numbers';

/**
 * One need for a medical aid: what it asks for, for whom (as the API answers, while kept),
 * its reservations, and the catalogue searched by words, category and distance from where
 * the need is, each aid found reserved for it in one step.
 */
export function NeedPage() {
  const { needId = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const location = useLocation();
  const need = useResource(
    async () =>
      (await unwrap(api.GET('/v1/needs/{needId}', { params: { path: { needId } } }))).data,
    [needId],
  );
  if (need.status === 'loading') return <Loading />;
  if (need.status === 'failed')
    return (
      <section>
        <PageHeading title={t('need.title')}>{t('need.title')}</PageHeading>
        <ProblemNotice problem={need.problem} />
      </section>
    );
  const n = need.data;
  const name = n.isoClass ? isoName(n.isoClass, t) : t('needs.aid');
  const registered = (location.state as { registered?: boolean } | null)?.registered;
  return (
    <article>
      <PageHeading title={`${t('need.title')} · ${name}`}>
        <span className="eyebrow">{t('need.title')}</span> {name}
      </PageHeading>
      {registered ? (
        <p className="notice notice--done" role="status">
          {t('need.registered', { ref: n.beneficiaryRef ?? '' })}
        </p>
      ) : null}
      <dl className="facts">
        <dt>{t('need.status')}</dt>
        <dd>
          <span className="state">{t(`needStatus.${n.status}`)}</span>
        </dd>
        {n.beneficiary ? (
          <>
            <dt>{t('need.name')}</dt>
            <dd>{n.beneficiary.name}</dd>
            {n.beneficiary.contact?.phone ? (
              <>
                <dt>{t('need.phone')}</dt>
                <dd>{n.beneficiary.contact.phone}</dd>
              </>
            ) : null}
            {n.beneficiary.contact?.email ? (
              <>
                <dt>{t('need.email')}</dt>
                <dd>{n.beneficiary.contact.email}</dd>
              </>
            ) : null}
          </>
        ) : null}
        {n.beneficiaryRef ? (
          <>
            <dt>{t('need.ref')}</dt>
            <dd>{n.beneficiaryRef}</dd>
          </>
        ) : null}
        <dt>{t('need.urgency')}</dt>
        <dd>
          {t(`urgency.${n.urgency}`)}
          {n.neededBy ? ` · ${t('need.neededByShort', { day: i18n.day(n.neededBy) })}` : ''}
        </dd>
        <dt>{t('place.locality')}</dt>
        <dd>
          {n.locality} · {t('need.within', { km: i18n.number(n.maxDistanceKm, 1) })}
        </dd>
        {n.health?.notes ? (
          <>
            <dt>{t('need.notes')}</dt>
            <dd>{n.health.notes}</dd>
          </>
        ) : null}
      </dl>
      <WithdrawNeed need={n} onDone={need.reload} />
      <NeedReservations needId={n.needId} />
      {n.status === 'open' ? <AidSearch need={n} /> : null}
    </article>
  );
}

/** The catalogue searched for an aid for this need, from the need's own place. */
function AidSearch({ need }: { need: Need }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [text, setText] = useState('');
  const [isoClass, setIsoClass] = useState(need.isoClass?.slice(0, 5) ?? '');
  const [withinKm, setWithinKm] = useState(String(need.maxDistanceKm));
  const [found, setFound] = useState<{ goods: CatalogueGood[]; nextCursor: string | null } | null>(
    null,
  );
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const { reserve, busy: reserving, problem: reserveProblem } = useReserve();

  const labels: Record<string, string> = {
    text: t('search.text'),
    isoClass: t('search.category'),
    'near.withinKm': t('search.withinKm'),
  };
  const messages = messagesOf([], problem, i18n, labels);

  async function search(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const km = parseDecimal(withinKm);
    const query: CatalogueQuery = {
      kind: 'item',
      'near.latitude': need.searchPoint.latitude,
      'near.longitude': need.searchPoint.longitude,
      // What the console cannot read as a number goes as typed: the gateway names the rule.
      ...(withinKm.trim() ? { 'near.withinKm': km ?? (withinKm as unknown as number) } : {}),
      ...(text.trim() ? { text: text.trim() } : {}),
      ...(isoClass ? { isoClass } : {}),
      sort: text.trim() ? 'relevance' : 'distance',
      limit: 20,
    };
    setBusy(true);
    try {
      setFound((await unwrap(api.GET('/v1/catalogue', { params: { query } }))).data);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
      setFound(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="aid-search">
      <h2 id="aid-search">{t('search.title')}</h2>
      <p className="hint">{t('search.intro', { locality: need.locality })}</p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('search.problems')} items={messages.summary} />
      <form className="form filters" role="search" onSubmit={(e) => void search(e)} noValidate>
        <div className="grid">
          <Field
            path="text"
            label={labels['text']}
            hint={t('search.textHint')}
            errors={messages.at('text')}
          >
            {(props) => (
              <input
                {...props}
                name="text"
                type="search"
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
            )}
          </Field>
          <Field path="isoClass" label={labels['isoClass']} errors={messages.at('isoClass')}>
            {(props) => (
              <select
                {...props}
                name="isoClass"
                value={isoClass}
                onChange={(e) => setIsoClass(e.target.value)}
              >
                <option value="">{t('search.anyCategory')}</option>
                {ISO_CLASSES.map((code) => (
                  <option key={code} value={code}>
                    {t(isoKey(code))}
                  </option>
                ))}
              </select>
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
        {found ? t('search.found', { count: found.goods.length }) : ''}
      </div>
      {found?.goods.length ? (
        <ul className="queue" aria-label={t('search.results')}>
          {found.goods.map((good) => (
            <li key={good.goodId} className="queue__aid">
              <span className="queue__name">{good.title}</span>
              <CatalogueFacts good={good} />
              <button
                type="button"
                className="button button--primary"
                disabled={reserving !== null || good.availableQuantity === '0'}
                aria-describedby={`good-${good.goodId}`}
                onClick={() => void reserve(good, need)}
              >
                {reserving === good.goodId ? t('intake.sending') : t('search.reserve')}
              </button>
              <span id={`good-${good.goodId}`} className="visually-hidden">
                {good.title}
              </span>
              {reserveProblem?.goodId === good.goodId ? (
                <ProblemNotice problem={reserveProblem.problem} />
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
