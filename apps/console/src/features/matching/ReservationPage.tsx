import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { nameOf } from '../../api/messages';
import { ApiProblem, type Problem } from '../../api/problem';
import type { Reservation } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { Loading, PageHeading, ProblemNotice } from '../../shared/form';
import { useResource } from '../../shared/use-resource';
import { followEvents } from './event-stream';
import { cancellable, isLive, stateKey } from './reservation-states';

/**
 * One reservation, followed live: every change the gateway streams about it (held,
 * approved by the workshop, handed over, expired…) reads it again, and its state is
 * announced. The need's people may let it go while it is still live.
 */
export function ReservationPage() {
  const { reservationId = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const reservation = useResource(
    async () =>
      (
        await unwrap(
          api.GET('/v1/reservations/{reservationId}', { params: { path: { reservationId } } }),
        )
      ).data,
    [reservationId],
  );
  const goodId = reservation.status === 'ready' ? reservation.data.goodId : null;
  const good = useResource(
    async () =>
      goodId
        ? (await unwrap(api.GET('/v1/catalogue/{goodId}', { params: { path: { goodId } } }))).data
        : null,
    [goodId],
  );
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = useRef(reservation.reload);
  reload.current = reservation.reload;
  const ended = reservation.status === 'ready' && !isLive(reservation.data.status);

  useEffect(() => {
    if (ended) return;
    const stop = new AbortController();
    followEvents(
      `reservation=${encodeURIComponent(reservationId)}`,
      {
        onOpen: () => {
          setLive(true);
          // What changed while the stream was being opened or was down.
          reload.current();
        },
        onEvent: (event) => {
          if (event.event === 'end') setLive(false);
          else reload.current();
        },
      },
      stop.signal,
    );
    return () => {
      stop.abort();
      setLive(false);
    };
  }, [reservationId, ended]);

  async function cancel(r: Reservation) {
    if (!window.confirm(t('reservation.cancelConfirm'))) return;
    setBusy(true);
    setProblem(null);
    try {
      await unwrap(
        api.POST('/v1/reservations/{reservationId}/cancellation', {
          params: { path: { reservationId: r.reservationId } },
          body: {},
        }),
      );
      reservation.reload();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  if (reservation.status === 'loading') return <Loading />;
  if (reservation.status === 'failed')
    return (
      <section>
        <PageHeading title={t('reservation.title')}>{t('reservation.title')}</PageHeading>
        <ProblemNotice problem={reservation.problem} />
      </section>
    );
  const r = reservation.data;
  const title = good.status === 'ready' && good.data ? good.data.title : t('reservation.title');
  const needPath = session?.role === 'firm' ? `/firm/wanted/${r.needId}` : `/needs/${r.needId}`;
  return (
    <article>
      <PageHeading title={`${t('reservation.title')} · ${title}`}>
        <span className="eyebrow">{t('reservation.title')}</span> {title}
      </PageHeading>
      <p className="reservation-state" role="status" aria-live="polite">
        {t('reservation.state')} <span className="state">{t(stateKey(r))}</span>
      </p>
      <p className="hint">
        {ended
          ? t('reservation.ended')
          : live
            ? t('reservation.live')
            : t('reservation.connecting')}
      </p>
      <dl className="facts">
        <dt>{t('reservation.quantity')}</dt>
        <dd>
          {i18n.number(Number(r.quantity))} {nameOf('unit', r.unit, i18n)}
        </dd>
        <dt>{t('reservation.requestedAt')}</dt>
        <dd>{i18n.moment(r.requestedAt)}</dd>
        {r.expiresAt && isLive(r.status) ? (
          <>
            <dt>{t('reservation.expiresAt')}</dt>
            <dd>{i18n.moment(r.expiresAt)}</dd>
          </>
        ) : null}
        {r.waitingPosition ? (
          <>
            <dt>{t('reservation.waitingPosition')}</dt>
            <dd>{r.waitingPosition}</dd>
          </>
        ) : null}
        {r.approval ? (
          <>
            <dt>{t('reservation.decision')}</dt>
            <dd>
              {t(`decisionOf.${r.approval.decision}`, { at: i18n.moment(r.approval.at) })}
              {r.approval.note ? ` · « ${r.approval.note} »` : ''}
            </dd>
          </>
        ) : null}
        {r.rejection ? (
          <>
            <dt>{t('reservation.rejection')}</dt>
            <dd lang="en">{r.rejection.message}</dd>
          </>
        ) : null}
      </dl>
      {good.status === 'ready' && good.data?.locality ? (
        <p>{t('reservation.where', { locality: good.data.locality })}</p>
      ) : null}
      <div className="actions">
        {cancellable(r.status) && session?.role !== 'refurbisher' ? (
          <button type="button" className="button" disabled={busy} onClick={() => void cancel(r)}>
            {t('reservation.cancel')}
          </button>
        ) : null}
        <Link to={needPath}>{t('reservation.toNeed')}</Link>
      </div>
      {problem ? <ProblemNotice problem={problem} /> : null}
    </article>
  );
}
