import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, PageHeading, ProblemNotice } from '../../shared/form';
import { useResource } from '../../shared/use-resource';
import { isoName } from '../matching/iso-classes';

/** The needs for a medical aid a person may see, newest first, each opening on its page. */
export function NeedsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const needs = useResource(
    async () =>
      (
        await unwrap(
          api.GET('/v1/needs', { params: { query: { kind: 'medical-aid', limit: 200 } } }),
        )
      ).data.needs,
    [],
  );
  return (
    <section>
      <PageHeading title={t('needs.title')}>{t('needs.title')}</PageHeading>
      <p className="actions">
        <Link to="/needs/new" className="button button--primary">
          {t('needs.new')}
        </Link>
      </p>
      {needs.status === 'loading' ? <Loading /> : null}
      {needs.status === 'failed' ? <ProblemNotice problem={needs.problem} /> : null}
      {needs.status === 'ready' ? (
        needs.data.length ? (
          <ul className="queue">
            {needs.data.map((need) => (
              <li key={need.needId}>
                <Link to={`/needs/${need.needId}`} className="queue__aid">
                  <span className="queue__name">
                    {need.isoClass ? isoName(need.isoClass, t) : t('needs.aid')}
                  </span>
                  <span>
                    {need.beneficiary?.name ?? need.beneficiaryRef ?? ''} · {need.locality}
                  </span>
                  <span className="hint">
                    {t(`needStatus.${need.status}`)} · {t(`urgency.${need.urgency}`)}
                    {need.neededBy
                      ? ` · ${t('need.neededByShort', { day: i18n.day(need.neededBy) })}`
                      : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('needs.empty')}</p>
        )
      ) : null}
    </section>
  );
}
