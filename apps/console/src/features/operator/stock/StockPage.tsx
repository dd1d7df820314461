import { startTransition, useEffect, useState, type FormEvent } from 'react';
import { Link, useLoaderData, useNavigation, useSearchParams } from 'react-router';
import { nameOf } from '../../../api/messages';
import type { GoodKind } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { Field, Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { bySiteName, loadSites } from '../../directory/load';
import { SiteSelect } from '../../directory/pickers';
import type { loadStock } from './stock-loader';
import { designation } from '../../goods/describe';
import { KINDS, LABELLED, STATES } from '../../goods/states';

/**
 * A member's stock by site, kind and state, newest first, a page at a time (the API's
 * cursor). The filters live in the address, so a view can be bookmarked or shared.
 */
export function StockPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const data = useLoaderData<typeof loadStock>();
  const navigation = useNavigation();
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useState(data.filters);
  // Back and forward change the address: the form shows what the list shows.
  useEffect(() => setFilters(data.filters), [data.filters]);
  const cursor = data.filters.cursor;
  const shown = useRowsShown(data.ok ? data.goods : NONE);

  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    if (filters.siteId) next.set('siteId', filters.siteId.trim());
    if (filters.kind) next.set('kind', filters.kind);
    if (filters.state) next.set('state', filters.state);
    setParams(next);
  }

  const states = filters.kind ? STATES[filters.kind] : [...new Set(Object.values(STATES).flat())];
  return (
    <section>
      <PageHeading title={t('stock.title')}>{t('stock.title')}</PageHeading>
      <form className="filters" onSubmit={apply} role="search" aria-label={t('stock.filters')}>
        <SiteFilter
          value={filters.siteId}
          onChange={(siteId) => setFilters({ ...filters, siteId })}
        />
        <Field path="kind" label={t('stock.kind')}>
          {(props) => (
            <select
              {...props}
              name="kind"
              value={filters.kind}
              onChange={(e) =>
                setFilters({ ...filters, kind: e.target.value as GoodKind | '', state: '' })
              }
            >
              <option value="">{t('stock.allKinds')}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field path="state" label={t('stock.state')}>
          {(props) => (
            <select
              {...props}
              name="state"
              value={filters.state}
              onChange={(e) => setFilters({ ...filters, state: e.target.value })}
            >
              <option value="">{t('stock.allStates')}</option>
              {states.map((s) => (
                <option key={s} value={s}>
                  {nameOf('state', s, i18n)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="button button--primary">
          {t('stock.show')}
        </button>
      </form>

      {navigation.state === 'loading' ? <Loading /> : null}
      {!data.ok ? <ProblemNotice problem={data.problem} /> : null}
      {data.ok ? (
        <>
          <p role="status">{t('stock.count', { count: data.goods.length })}</p>
          {data.goods.length ? (
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">{t('stock.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('stock.good')}</th>
                    <th scope="col">{t('stock.kind')}</th>
                    <th scope="col">{t('stock.state')}</th>
                    <th scope="col">{t('stock.quantities')}</th>
                    <th scope="col">{t('stock.since')}</th>
                    <th scope="col">{t('stock.label')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.goods.slice(0, shown).map((good) => (
                    <tr key={good.id}>
                      <td>
                        <Link to={`/goods/${good.id}/passport`}>{designation(good, i18n)}</Link>
                      </td>
                      <td>{t(`kind.${good.kind}`)}</td>
                      <td>
                        <span className="state">{nameOf('state', good.state, i18n)}</span>
                      </td>
                      <td>
                        {good.stock
                          .map(
                            (s) =>
                              `${nameOf('state', s.state, i18n)} : ${i18n.number(Number(s.quantity))} ${nameOf('unit', good.unit, i18n)}`,
                          )
                          .join(' · ')}
                      </td>
                      <td>{i18n.moment(good.createdAt)}</td>
                      <td>
                        {LABELLED.includes(good.kind) ? (
                          <Link
                            to={`/labels?ids=${good.id}`}
                            aria-label={t('stock.labelOf', { name: designation(good, i18n) })}
                          >
                            {t('stock.label')}
                          </Link>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>{t('stock.empty')}</p>
          )}
          <nav className="pager" aria-label={t('stock.pages')}>
            {cursor ? <Link to={`?${withoutCursor(params)}`}>{t('stock.first')}</Link> : null}
            {data.nextCursor ? (
              <Link to={`?${withCursor(params, data.nextCursor)}`} rel="next">
                {t('stock.next')}
              </Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </section>
  );
}

const NONE: readonly unknown[] = [];
/** About a screen of rows: what the first frame lays out. */
const FIRST_ROWS = 15;
/** Then a few rows a frame, so that no frame keeps the page from answering for long. */
const ROWS_PER_STEP = 10;

/**
 * How many of a page's rows are drawn yet: a screen's worth at once, the rest in the next
 * frames. A page of 50 rows drawn and laid out at once holds a modest tablet's first frame
 * back for a long while; the count above the table says all of them from the start.
 */
function useRowsShown(rows: readonly unknown[]): number {
  const [shown, setShown] = useState(FIRST_ROWS);
  const [of, setOf] = useState(rows);
  if (of !== rows) {
    // Another page: from its first rows again.
    setOf(rows);
    setShown(FIRST_ROWS);
  }
  useEffect(() => {
    if (shown >= rows.length) return;
    const frame = requestAnimationFrame(() =>
      startTransition(() => setShown((count) => count + ROWS_PER_STEP)),
    );
    return () => cancelAnimationFrame(frame);
  }, [shown, rows]);
  return shown;
}

function withCursor(params: URLSearchParams, cursor: string): string {
  const next = new URLSearchParams(params);
  next.set('cursor', cursor);
  return next.toString();
}

function withoutCursor(params: URLSearchParams): string {
  const next = new URLSearchParams(params);
  next.delete('cursor');
  return next.toString();
}

/**
 * The member's sites to pick from, read beside the stock (which shows without them); a
 * component of its own, so that their arrival redraws the picker, not the page's rows.
 * Without the list, the site's id is typed.
 */
function SiteFilter({ value, onChange }: { value: string; onChange: (siteId: string) => void }) {
  const { t } = useI18n();
  const sites = useResource(async () => (await loadSites()).sort(bySiteName), []);
  if (sites.status === 'failed')
    return (
      <Field path="siteId" label={t('stock.site')} hint={t('stock.siteHint')}>
        {(props) => (
          <input
            {...props}
            name="siteId"
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </Field>
    );
  return (
    <SiteSelect
      path="siteId"
      label={t('stock.site')}
      sites={sites.status === 'ready' ? sites.data : []}
      emptyLabel={t('stock.allSites')}
      value={value}
      onChange={onChange}
    />
  );
}
