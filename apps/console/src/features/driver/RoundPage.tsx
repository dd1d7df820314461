import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { idempotencyKey } from '../../api/client';
import { nameOf, say, titleOf } from '../../api/messages';
import type { Round } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { flush, outbox, useOnline, useOutbox, type OutboxEntry } from '../../offline/outbox';
import { SENDERS } from '../../offline/senders';
import { useSession } from '../../session/session';
import { zonedToday } from '../../shared/dates';
import { Field, Loading, PageHeading, ProblemNotice, useDomId } from '../../shared/form';
import { useResource } from '../../shared/use-resource';
import { hourOf, loadText, windowText } from '../collection/format';
import { RouteMap } from '../collection/map/RouteMap';
import { loadDriverDay, roundStarted, stateText, stopState, type StopState } from './round-store';
import '../collection/collection.css';

/**
 * The driver's day on a phone: the round given to them, its stops in driving order (as a
 * list and on a map), the round's start, and each stop's state. Records made without
 * network wait on the phone with their Idempotency-Key and are sent, once, when it returns;
 * the round as last read is kept on the phone so that it still shows meanwhile.
 */
export function RoundPage() {
  const session = useSession();
  const userId = session?.userId ?? '';
  const i18n = useI18n();
  const { t } = i18n;
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(params.get('day') ?? '')
    ? params.get('day')!
    : zonedToday();
  const online = useOnline();
  const entries = useOutbox().filter((e) => e.userId === userId && e.kind !== 'intake');
  const sent = entries.filter((e) => e.status === 'sent').length;
  // Read again when the network returns and when a record has gone: the service's word then.
  const data = useResource(() => loadDriverDay(userId, day), [userId, day, online, sent]);
  const recorded = (location.state as { recorded?: string } | null)?.recorded;
  const noticeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (recorded) noticeRef.current?.focus();
  }, [recorded]);
  // The stop's page is fetched now, while there is network: a phone on the cluster's
  // plain-HTTP network has no service worker to keep it, and the van may lose its signal.
  useEffect(() => {
    void import('./StopPage').catch(() => undefined);
  }, []);

  const title = t('driver.title');
  return (
    <section className="driver">
      <PageHeading title={title} focus={!recorded}>
        {title}
      </PageHeading>
      {recorded ? (
        <p className="notice notice--done" role="status" tabIndex={-1} ref={noticeRef}>
          {online ? t('driver.recorded') : t('driver.recordedOffline')}
        </p>
      ) : null}
      <div className="filters">
        <Field path="day" label={t('driver.day')} required>
          {(props) => (
            <input
              {...props}
              type="date"
              name="day"
              value={day}
              onChange={(e) => setParams(e.target.value ? { day: e.target.value } : {})}
            />
          )}
        </Field>
      </div>
      <p className="lead">
        {day === zonedToday() ? t('driver.today', { day: i18n.day(day) }) : i18n.day(day)}
      </p>
      {data.status === 'loading' ? <Loading /> : null}
      {data.status === 'failed' ? <ProblemNotice problem={data.problem} /> : null}
      {data.status === 'ready' ? (
        <>
          {data.data.keptAt ? (
            <p className="notice notice--kept">
              {t('driver.kept', { at: i18n.moment(data.data.keptAt) })}
            </p>
          ) : null}
          {data.data.rounds.length ? (
            data.data.rounds.map((round, index) => (
              <RoundView
                key={round.roundId}
                round={round}
                index={index}
                count={data.data.rounds.length}
                entries={entries}
                userId={userId}
                online={online}
              />
            ))
          ) : (
            <p>{t('driver.none')}</p>
          )}
        </>
      ) : null}
      <DriverOutbox entries={entries} />
    </section>
  );
}

function RoundView({
  round,
  index,
  count,
  entries,
  userId,
  online,
}: {
  round: Round;
  index: number;
  count: number;
  entries: readonly OutboxEntry[];
  userId: string;
  online: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const headingId = useDomId('round');
  const [starting, setStarting] = useState(false);
  const started = roundStarted(round, entries);
  const states = round.stops.map((stop) => stopState(round, stop, entries));
  const next = states.findIndex((s) => s.kind === 'pending' || s.kind === 'refused');
  const name = count > 1 ? t('driver.roundN', { n: index + 1 }) : t('driver.round');
  // Inside a sentence: « Carte de la tournée 2 ».
  const inSentence = name.charAt(0).toLocaleLowerCase(i18n.language) + name.slice(1);

  async function start() {
    if (starting) return;
    setStarting(true);
    try {
      // Kept on the phone first, like every record of the round: sent now if it can be.
      await outbox.save({
        key: idempotencyKey(),
        kind: 'round-start',
        userId,
        body: {},
        about: { roundId: round.roundId },
      });
      if (navigator.onLine) void flush(userId, SENDERS).catch(() => undefined);
    } finally {
      setStarting(false);
    }
  }

  return (
    <article className="driver-round" aria-labelledby={headingId} data-round={round.roundId}>
      <h2 id={headingId}>{name}</h2>
      <p>
        <span className="state">
          {started && round.status === 'planned'
            ? t('driver.startedOnDevice')
            : nameOf('roundStatus', round.status, i18n)}
        </span>{' '}
        {t('driver.summary', {
          count: round.stops.length,
          km: i18n.number(round.distanceKm, 1),
        })}
      </p>
      {!started ? (
        <button
          type="button"
          className="button button--primary button--large button--wide"
          disabled={starting}
          onClick={() => void start()}
        >
          {t('driver.start')}
        </button>
      ) : null}
      {started && !online ? <p className="hint">{t('driver.offlineHint')}</p> : null}

      <ol className="stop-list" aria-label={t('driver.stops', { name: inSentence })}>
        {round.stops.map((stop, i) => {
          const state = states[i]!;
          return (
            <li key={stop.pickupId} className="stop-list__item" data-pickup={stop.pickupId}>
              <Link
                className={`stop-card stop-card--${state.kind}${i === next ? ' stop-card--next' : ''}`}
                to={`/driver/rounds/${round.roundId}/stops/${stop.pickupId}`}
              >
                <span className="stop-card__n" aria-hidden="true">
                  {stop.sequence}
                </span>
                <span className="stop-card__body">
                  <span className="visually-hidden">
                    {t('driver.stopN', { n: stop.sequence })} :{' '}
                  </span>
                  <strong>{stop.address}</strong>
                  <span className="stop-card__line">
                    {t('driver.eta', { eta: hourOf(stop.eta) })} ·{' '}
                    {stop.windows.map((w) => windowText(w, i18n)).join(' ; ')}
                  </span>
                  <span className="stop-card__line">{loadText(stop.expectedLoad, i18n)}</span>
                  <span className="stop-card__state">
                    {i === next ? `${t('driver.next')} · ` : ''}
                    {stateText(state, i18n)}
                  </span>
                </span>
              </Link>
            </li>
          );
        })}
      </ol>

      <RouteMap
        title={t('driver.map', { name: inSentence })}
        summary={t('driver.mapSummary', { count: round.stops.length })}
        routes={[
          {
            key: round.roundId,
            name,
            depot: null,
            stops: round.stops.map((stop, i) => ({
              key: stop.pickupId,
              mark: String(stop.sequence),
              name: `${t('driver.stopN', { n: stop.sequence })} : ${stop.address} (${stateText(states[i]!, i18n)})`,
              position: stop.position,
              status: mapStatus(states[i]!),
            })),
          },
        ]}
        // Drawn smaller than the planner's map, so that its numbers read on a phone.
        width={320}
        height={320}
      />
    </article>
  );
}

function mapStatus(state: StopState): 'pending' | 'collected' | 'missed' {
  return state.kind === 'collected' || state.kind === 'missed' ? state.kind : 'pending';
}

/** The records still on the phone: waiting for the network, or refused (to drop). */
function DriverOutbox({ entries }: { entries: readonly OutboxEntry[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const shown = entries.filter((e) => e.status !== 'sent');
  const sent = entries.filter((e) => e.status === 'sent');
  if (!shown.length && !sent.length) return null;
  return (
    <section className="outbox" aria-labelledby="driver-outbox">
      <h2 id="driver-outbox">{t('driver.outbox')}</h2>
      {shown.length ? (
        <ul className="outbox__list">
          {shown.map((entry) => (
            <li
              key={entry.key}
              className={`outbox__entry outbox__entry--${entry.status}`}
              data-status={entry.status}
            >
              <p>
                <strong>{t(`outbox.${entry.status}`)}</strong> · {t(`driver.entry.${entry.kind}`)} ·{' '}
                {i18n.moment(entry.savedAt)}
              </p>
              {entry.status === 'pending' && entry.attempts > 0 ? (
                <p className="hint">{t('outbox.attempts', { count: entry.attempts })}</p>
              ) : null}
              {entry.status === 'refused' && entry.problem ? (
                <>
                  <p>{titleOf(entry.problem, i18n)}</p>
                  <ProblemDetail entry={entry} />
                  <button
                    type="button"
                    className="button button--quiet"
                    onClick={() => void outbox.remove(entry.key)}
                  >
                    {t('outbox.drop')}
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {sent.length ? (
        // The photos and signatures stay with their records until the driver lets them go.
        <div className="actions">
          <p>{t('driver.sentKept', { count: sent.length })}</p>
          <button
            type="button"
            className="button button--quiet"
            onClick={() => void Promise.all(sent.map((e) => outbox.remove(e.key)))}
          >
            {t('driver.clearSent')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function ProblemDetail({ entry }: { entry: OutboxEntry }) {
  const i18n = useI18n();
  if (!entry.problem?.detail) return null;
  const said = say(entry.problem.detail, i18n);
  return (
    <p className="hint" lang={said.lang}>
      {said.text}
    </p>
  );
}
