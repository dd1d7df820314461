import { useEffect, useRef } from 'react';
import { Link, useLocation } from 'react-router';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { Loading, PageHeading, ProblemNotice } from '../../shared/form';
import { useResource } from '../../shared/use-resource';
import { CancelPickupButton } from '../collection/CancelPickupButton';
import { loadPickups } from '../collection/load';
import { PickupsTable } from '../collection/PickupsTable';
import '../collection/collection.css';

/**
 * A shop's or a firm's pickups, newest first, as they follow them: where each stands, the
 * day and hour it is planned for once a round has it, or why no round could take it; one
 * not yet collected may be cancelled.
 */
export function PickupsPage() {
  const session = useSession();
  const firm = session?.role === 'firm';
  const i18n = useI18n();
  const { t } = i18n;
  const location = useLocation();
  const requested = (location.state as { requested?: string } | null)?.requested;
  const pickups = useResource(() => loadPickups({ limit: 100 }), []);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (requested) noticeRef.current?.focus();
  }, [requested]);
  const title = t(firm ? 'pickups.titleFirm' : 'pickups.titleShop');

  return (
    <section>
      <PageHeading title={title} focus={!requested}>
        {title}
      </PageHeading>
      {requested ? (
        <p className="notice notice--done" role="status" tabIndex={-1} ref={noticeRef}>
          {t('pickups.requested')}
        </p>
      ) : null}
      <div className="actions">
        <Link
          className="button button--primary"
          to={firm ? '/firm/pickups/new' : '/shop/pickups/new'}
        >
          {t(firm ? 'pickups.requestLot' : 'pickups.requestCrates')}
        </Link>
        <button type="button" className="button" onClick={pickups.reload}>
          {t('pickups.refresh')}
        </button>
      </div>
      {pickups.status === 'loading' ? <Loading /> : null}
      {pickups.status === 'failed' ? <ProblemNotice problem={pickups.problem} /> : null}
      {pickups.status === 'ready' ? (
        pickups.data.length ? (
          <PickupsTable
            caption={t('pickups.caption', { count: pickups.data.length })}
            pickups={pickups.data}
            actions={(pickup) =>
              pickup.status === 'requested' || pickup.status === 'scheduled' ? (
                <CancelPickupButton pickup={pickup} onDone={pickups.reload} />
              ) : null
            }
          />
        ) : (
          <p>{t('pickups.empty')}</p>
        )
      ) : null}
    </section>
  );
}
