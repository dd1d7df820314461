import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { useI18n } from '../../../i18n/i18n';
import { Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { loadGood } from '../../goods/load';
import { lotDescription } from '../lot/lot-description';

/** Each lot's details (material, holds) are read one by one: a page is kept short. */
const PAGE_SIZE = 20;

/**
 * The firm's lots, newest first: what each is, how much of it is in each state, how many
 * holds takers have on it and until when it must be gone. A page at a time.
 */
export function LotsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params] = useSearchParams();
  const cursor = params.get('cursor') ?? '';
  const lots = useResource(async () => {
    const { data } = await unwrap(
      api.GET('/v1/goods', {
        params: { query: { kind: 'lot', limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    );
    // The list says no more than the stock; the lot itself says what it is and who holds it.
    const goods = await Promise.all(data.goods.map(async (g) => (await loadGood(g.id)).good));
    return { goods, nextCursor: data.nextCursor };
  }, [cursor]);

  return (
    <section>
      <PageHeading title={t('lots.title')}>{t('lots.title')}</PageHeading>
      <div className="actions">
        <Link className="button button--primary" to="/firm/offer">
          {t('lots.offer')}
        </Link>
      </div>
      {lots.status === 'loading' ? <Loading /> : null}
      {lots.status === 'failed' ? <ProblemNotice problem={lots.problem} /> : null}
      {lots.status === 'ready' ? (
        lots.data.goods.length ? (
          <>
            <div className="table-scroll" role="region" aria-labelledby="lots-caption" tabIndex={0}>
              <table>
                <caption id="lots-caption" className="visually-hidden">
                  {t('lots.title')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('lots.lot')}</th>
                    <th scope="col">{t('lots.state')}</th>
                    <th scope="col">{t('lots.quantities')}</th>
                    <th scope="col" className="number">
                      {t('lots.holds')}
                    </th>
                    <th scope="col">{t('lots.mustBeGoneBy')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lots.data.goods.map((lot) => {
                    const described = lotDescription(lot);
                    const unit = nameOf('unit', lot.unit, i18n);
                    return (
                      <tr key={lot.id}>
                        <td>
                          <Link to={`/firm/lots/${lot.id}`}>
                            {described.materialFamily ?? t('kind.lot')}
                          </Link>
                        </td>
                        <td>
                          <span className="state">{nameOf('state', lot.state, i18n)}</span>
                        </td>
                        <td>
                          {lot.balances
                            .map(
                              (b) =>
                                `${nameOf('state', b.state, i18n)} : ${i18n.number(Number(b.quantity))} ${unit}`,
                            )
                            .join(' · ') || t('passport.noStock')}
                        </td>
                        <td className="number">{lot.activeHolds.length}</td>
                        <td>
                          {described.mustBeGoneBy ? i18n.moment(described.mustBeGoneBy) : '—'}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <nav className="pager" aria-label={t('lots.pages')}>
              {cursor ? <Link to="?">{t('stock.first')}</Link> : null}
              {lots.data.nextCursor ? (
                <Link to={`?cursor=${encodeURIComponent(lots.data.nextCursor)}`} rel="next">
                  {t('stock.next')}
                </Link>
              ) : null}
            </nav>
          </>
        ) : (
          <p>{t('lots.empty')}</p>
        )
      ) : null}
    </section>
  );
}
