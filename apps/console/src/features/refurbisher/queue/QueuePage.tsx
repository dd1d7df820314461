import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { useI18n } from '../../../i18n/i18n';
import { useWorkstation } from '../../../session/workstation';
import { Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { QUEUE } from '../aid/gates';

/**
 * The workshop's queue: the medical aids waiting at each gate (by the state the last
 * gate left them in), oldest first in the list shown, each opening on its next step.
 */
export function QueuePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const workstation = useWorkstation();
  const [params] = useSearchParams();
  const state = QUEUE.some((q) => q.state === params.get('state'))
    ? params.get('state')!
    : QUEUE[0]!.state;
  const gate = QUEUE.find((q) => q.state === state)!;
  const aids = useResource(
    async () =>
      (
        await unwrap(
          api.GET('/v1/goods', {
            params: {
              query: {
                kind: 'item',
                state,
                limit: 200,
                ...(workstation.siteId ? { siteId: workstation.siteId } : {}),
              },
            },
          }),
        )
      ).data,
    [state, workstation.siteId],
  );

  return (
    <section>
      <PageHeading title={t('workshop.title')}>{t('workshop.title')}</PageHeading>
      <nav aria-label={t('workshop.gates')} className="gates-nav">
        <ul>
          {QUEUE.map((q) => (
            <li key={q.state}>
              <Link to={`?state=${q.state}`} aria-current={q.state === state ? 'page' : undefined}>
                {t(`queue.${q.step}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <h2>{t(`queue.${gate.step}`)}</h2>
      {aids.status === 'loading' ? <Loading /> : null}
      {aids.status === 'failed' ? <ProblemNotice problem={aids.problem} /> : null}
      {aids.status === 'ready' ? (
        aids.data.goods.length ? (
          <ul className="queue">
            {/* The API lists newest first; the workshop takes the oldest first. */}
            {[...aids.data.goods].reverse().map((aid) => (
              <li key={aid.id}>
                <Link to={`/workshop/aids/${aid.id}`} className="queue__aid">
                  <span className="queue__name">
                    {aid.make} {aid.model}
                  </span>
                  <span>
                    {t('labels.serial')} {aid.serialNumber}
                  </span>
                  <span className="hint">
                    {nameOf('state', aid.state, i18n)} ·{' '}
                    {t('workshop.since', { at: i18n.moment(aid.createdAt) })}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('workshop.empty')}</p>
        )
      ) : null}
    </section>
  );
}
