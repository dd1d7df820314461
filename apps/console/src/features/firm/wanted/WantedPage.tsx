import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { useI18n } from '../../../i18n/i18n';
import { Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';

/** The firm's wanted list: the materials it looks for, each opening on the lots proposed. */
export function WantedPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const needs = useResource(
    async () =>
      (await unwrap(api.GET('/v1/needs', { params: { query: { kind: 'material', limit: 200 } } })))
        .data.needs,
    [],
  );
  return (
    <section>
      <PageHeading title={t('wanted.title')}>{t('wanted.title')}</PageHeading>
      <p className="actions">
        <Link to="/firm/wanted/new" className="button button--primary">
          {t('wanted.new')}
        </Link>
      </p>
      {needs.status === 'loading' ? <Loading /> : null}
      {needs.status === 'failed' ? <ProblemNotice problem={needs.problem} /> : null}
      {needs.status === 'ready' ? (
        needs.data.length ? (
          <ul className="queue">
            {needs.data.map((need) => (
              <li key={need.needId}>
                <Link to={`/firm/wanted/${need.needId}`} className="queue__aid">
                  <span className="queue__name">{need.materialFamily}</span>
                  <span>
                    {need.quantity ? i18n.number(Number(need.quantity)) : ''}{' '}
                    {need.unit ? nameOf('unit', need.unit, i18n) : ''} · {need.locality}
                  </span>
                  <span className="hint">
                    {t(`needStatus.${need.status}`)}
                    {need.deadline
                      ? ` · ${t('wanted.by', { at: i18n.moment(need.deadline) })}`
                      : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('wanted.empty')}</p>
        )
      ) : null}
    </section>
  );
}
