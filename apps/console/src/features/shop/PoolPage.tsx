import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { nameOf } from '../../api/messages';
import type { Site } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Loading, PageHeading, ProblemNotice } from '../../shared/form';
import { useResource } from '../../shared/use-resource';
import { loadSites } from '../directory/load';
import { loadGood } from '../goods/load';
import { depositsCents, poolLine } from './pool';

/**
 * A partner shop's crates and deposit pool: each kind of container, its deposit, how
 * many are in each state (brought back full and waiting at the shop, washing, back on
 * the shelves, delivered), and what the containers still in the loop stand for.
 *
 * Full crates are reported as a pickup request to the collection service (inventory lets
 * a shop read its stock but not record an intake): the page leads to it.
 */
export function PoolPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const pools = useResource(async () => {
    const [{ data }, sites] = await Promise.all([
      unwrap(api.GET('/v1/goods', { params: { query: { kind: 'pool', limit: 50 } } })),
      // The page reads without its sites' names.
      loadSites().catch(() => [] as Site[]),
    ]);
    // The list gives the stock; each pool says what container it is and its deposit.
    const goods = await Promise.all(data.goods.map(async (g) => (await loadGood(g.id)).good));
    return { lines: goods.map(poolLine), sites, more: data.nextCursor !== null };
  }, []);
  const money = new Intl.NumberFormat(i18n.language === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
  });

  return (
    <section>
      <PageHeading title={t('shop.title')}>{t('shop.title')}</PageHeading>
      {pools.status === 'loading' ? <Loading /> : null}
      {pools.status === 'failed' ? <ProblemNotice problem={pools.problem} /> : null}
      {pools.status === 'ready' ? (
        <>
          {pools.data.lines.length ? (
            <>
              <dl className="facts" aria-label={t('shop.summary')}>
                <dt>{t('shop.waiting')}</dt>
                <dd>{i18n.number(pools.data.lines.reduce((n, l) => n + l.waiting, 0))}</dd>
                <dt>{t('shop.inLoop')}</dt>
                <dd>{i18n.number(pools.data.lines.reduce((n, l) => n + l.total, 0))}</dd>
                <dt>{t('shop.deposits')}</dt>
                <dd>{money.format(depositsCents(pools.data.lines) / 100)}</dd>
              </dl>
              <div
                className="table-scroll"
                role="region"
                aria-labelledby="pools-caption"
                tabIndex={0}
              >
                <table>
                  <caption id="pools-caption">{t('shop.pools')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('shop.container')}</th>
                      <th scope="col">{t('shop.site')}</th>
                      <th scope="col" className="number">
                        {t('shop.deposit')}
                      </th>
                      <th scope="col">{t('shop.byState')}</th>
                      <th scope="col" className="number">
                        {t('shop.toCollect')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {pools.data.lines.map((line) => (
                      <tr key={line.id}>
                        <td>{line.containerType || t('kind.pool')}</td>
                        <td>{pools.data.sites.find((s) => s.id === line.siteId)?.name ?? '—'}</td>
                        <td className="number">{money.format(line.depositCents / 100)}</td>
                        <td>
                          {line.byState
                            .map(
                              (s) => `${nameOf('state', s.state, i18n)} : ${i18n.number(s.count)}`,
                            )
                            .join(' · ') || '—'}
                        </td>
                        <td className="number">{i18n.number(line.waiting)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {pools.data.more ? <p className="hint">{t('shop.more')}</p> : null}
            </>
          ) : (
            <p>{t('shop.empty')}</p>
          )}
          <section aria-labelledby="report-heading" className="notice">
            <h2 id="report-heading">{t('shop.reportTitle')}</h2>
            <p>{t('shop.reportNow')}</p>
            <p className="actions">
              <Link className="button button--primary" to="/shop/pickups/new">
                {t('pickups.requestCrates')}
              </Link>
              <Link className="button" to="/shop/pickups">
                {t('shop.followPickups')}
              </Link>
            </p>
          </section>
        </>
      ) : null}
    </section>
  );
}
