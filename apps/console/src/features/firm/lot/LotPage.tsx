import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { idempotencyKey } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { ApiProblem, type Problem } from '../../../api/problem';
import type { Site } from '../../../api/types';
import { useI18n, type I18n } from '../../../i18n/i18n';
import { Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { loadSites } from '../../directory/load';
import { shortId } from '../../goods/describe';
import { loadGood, loadPassport } from '../../goods/load';
import { sendLotCommand, type LotAnswer, type LotCommand } from './commands';
import { lotDescription } from './lot-description';
import { DivertForm, WindowForm, WithdrawForm } from './LotForms';
import { ENDS, openOffer, stillThere, totalsOf, whereItWent, type LotOutcome } from './outcome';

type Notice = { kind: 'offered' } | { kind: 'done'; answer: LotAnswer } | { kind: 'changed' };

/**
 * One of the firm's lots: what was offered, what is still on the site, the holds takers
 * placed on it, and where each part went (handed over for reuse, diverted, withdrawn).
 * While the window is open the firm amends it, diverts what nobody holds, or withdraws
 * the offer; each sent with the lot's ETag, so that a hold placed meanwhile is seen
 * first (412: nothing done, the lot read again).
 */
export function LotPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { goodId = '' } = useParams();
  const location = useLocation();
  const lot = useResource(async () => {
    const [{ good, etag }, passport] = await Promise.all([loadGood(goodId), loadPassport(goodId)]);
    return { good, etag, passport };
  }, [goodId]);
  // Names of the firm's locations; the lot reads without them.
  const sites = useResource(() => loadSites().catch(() => [] as Site[]), []);
  const [notice, setNotice] = useState<Notice | null>(
    (location.state as { offered?: boolean } | null)?.offered ? { kind: 'offered' } : null,
  );
  const [problem, setProblem] = useState<{ command: LotCommand['kind']; problem: Problem } | null>(
    null,
  );
  const [amended, setAmended] = useState<{ availableFrom: string; mustBeGoneBy: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ json: string; key: string } | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (notice && notice.kind !== 'offered') noticeRef.current?.focus();
  }, [notice]);

  if (lot.status === 'loading') return <Loading />;
  if (lot.status === 'failed')
    return (
      <section>
        <PageHeading title={t('lot.title')}>{t('lot.title')}</PageHeading>
        <ProblemNotice problem={lot.problem} />
      </section>
    );
  const { good, etag, passport } = lot.data;
  const described = lotDescription(good);
  const window = amended ?? {
    ...(described.availableFrom ? { availableFrom: described.availableFrom } : {}),
    ...(described.mustBeGoneBy ? { mustBeGoneBy: described.mustBeGoneBy } : {}),
  };
  const offer = openOffer(good, window);
  const unit = nameOf('unit', good.unit, i18n);
  const amount = (quantity: number | string) => `${i18n.number(Number(quantity))} ${unit}`;
  const locations = new Map(
    (sites.status === 'ready' ? sites.data : []).flatMap((s) =>
      s.locations.map((l) => [l.id, `${s.name} · ${l.name}`] as const),
    ),
  );
  const outcomes = whereItWent(passport);
  // What left the offer is said under « where it went »; a withdrawn part stays on the site.
  const here = good.balances.filter((b) => b.state === 'withdrawn' || !ENDS.has(b.state));
  const name = described.materialFamily ?? t('kind.lot');

  async function send(command: LotCommand) {
    if (busy) return;
    setProblem(null);
    setNotice(null);
    const json = JSON.stringify(command);
    const key = attempt.current?.json === json ? attempt.current.key : idempotencyKey();
    attempt.current = { json, key };
    setBusy(true);
    try {
      const answer = await sendLotCommand(goodId, command, { etag, key });
      attempt.current = null;
      if (answer.kind === 'window')
        setAmended({ availableFrom: answer.availableFrom, mustBeGoneBy: answer.mustBeGoneBy });
      setNotice({ kind: 'done', answer });
      lot.reload();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      // A taker held some of it, or a colleague acted, since the page read the lot.
      if (error.status === 412) {
        attempt.current = null;
        setNotice({ kind: 'changed' });
        lot.reload();
      } else setProblem({ command: command.kind, problem: error.problem });
    } finally {
      setBusy(false);
    }
  }
  const problemOf = (kind: LotCommand['kind']) =>
    problem?.command === kind ? problem.problem : null;

  return (
    <article className="lot">
      <PageHeading title={`${t('lot.title')} · ${name}`}>
        <span className="eyebrow">{t('lot.title')}</span> {name}
      </PageHeading>
      <div ref={noticeRef} tabIndex={-1} role="status" className="outcome">
        {notice ? <NoticeText notice={notice} i18n={i18n} amount={amount} /> : null}
      </div>
      <p>
        {t('lot.state')} <span className="state">{nameOf('state', good.state, i18n)}</span> ·{' '}
        <Link to={`/goods/${good.id}/passport`}>{t('lot.passport')}</Link>
        {offer.amendable ? (
          <>
            {' '}
            · <Link to={`/firm/pickups/new?lot=${good.id}`}>{t('lot.requestPickup')}</Link>
          </>
        ) : null}
      </p>

      <dl className="facts">
        {described.conditionGrade ? (
          <>
            <dt>{t('intake.conditionGrade')}</dt>
            <dd>{nameOf('grade', described.conditionGrade, i18n)}</dd>
          </>
        ) : null}
        {described.wasteCode ? (
          <>
            <dt>{t('intake.wasteCode')}</dt>
            <dd>{described.wasteCode}</dd>
          </>
        ) : null}
        {described.dimensions ? (
          <>
            <dt>{t('intake.dimensions')}</dt>
            <dd>{described.dimensions}</dd>
          </>
        ) : null}
        {/* The good answers the window as offered; an amendment made here is shown as answered. */}
        <dt>{t(amended ? 'lot.windowAmended' : 'lot.window')}</dt>
        <dd>
          {window.availableFrom && window.mustBeGoneBy
            ? t('lot.windowText', {
                from: i18n.moment(window.availableFrom),
                until: i18n.moment(window.mustBeGoneBy),
              })
            : '—'}
          {described.estimated ? ` · ${t('lot.estimated')}` : ''}
        </dd>
        {described.fallback ? (
          <>
            <dt>{t('lot.fallback')}</dt>
            <dd>
              {nameOf('route', described.fallback.route, i18n)} · {described.fallback.facility}
            </dd>
          </>
        ) : null}
        <dt>{t('lot.photos')}</dt>
        <dd>
          {described.photoRefs.length ? (
            <ul className="plain">
              {described.photoRefs.map((ref) => (
                <li key={ref}>
                  <code>{ref}</code>
                </li>
              ))}
            </ul>
          ) : (
            t('lot.noPhotos')
          )}
        </dd>
      </dl>

      <section aria-labelledby="lot-stock">
        <h2 id="lot-stock">{t('lot.stillThere')}</h2>
        {here.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('passport.state')}</th>
                <th scope="col">{t('passport.location')}</th>
                <th scope="col" className="number">
                  {t('passport.quantity')}
                </th>
              </tr>
            </thead>
            <tbody>
              {here.map((b) => (
                <tr key={`${b.state}-${b.locationId}`}>
                  <td>{nameOf('state', b.state, i18n)}</td>
                  <td>{locations.get(b.locationId) ?? <code>{shortId(b.locationId)}</code>}</td>
                  <td className="number">{amount(b.quantity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('lot.nothingThere')}</p>
        )}
      </section>

      <section aria-labelledby="lot-holds">
        <h2 id="lot-holds">{t('lot.holds')}</h2>
        {good.activeHolds.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('passport.holder')}</th>
                <th scope="col" className="number">
                  {t('passport.quantity')}
                </th>
                <th scope="col">{t('passport.expiresAt')}</th>
              </tr>
            </thead>
            <tbody>
              {good.activeHolds.map((h) => (
                <tr key={h.holdId}>
                  <td>
                    <code>{h.holderId}</code>
                  </td>
                  <td className="number">{amount(h.quantity)}</td>
                  <td>{i18n.moment(h.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('lot.noHolds')}</p>
        )}
      </section>

      {offer.amendable ? (
        <section aria-labelledby="lot-actions" className="lot-actions">
          <h2 id="lot-actions">{t('lot.actions')}</h2>
          {offer.offered ? (
            <DivertForm
              key={`divert-${good.revision}`}
              fallback={described.fallback}
              still={stillThere(good).find((s) => s.state === 'offered')?.quantity ?? 0}
              amount={amount}
              busy={busy}
              problem={problemOf('divert')}
              onSubmit={(command) => void send(command)}
            />
          ) : null}
          <WindowForm
            key={`window-${good.revision}`}
            window={window}
            busy={busy}
            problem={problemOf('window')}
            onSubmit={(command) => void send(command)}
          />
          <WithdrawForm
            busy={busy}
            problem={problemOf('withdraw')}
            onSubmit={(command) => void send(command)}
          />
        </section>
      ) : null}

      <WhereItWent outcomes={outcomes} amount={amount} i18n={i18n} />
    </article>
  );
}

function NoticeText({
  notice,
  i18n,
  amount,
}: {
  notice: Notice;
  i18n: I18n;
  amount: (q: string) => string;
}) {
  const { t } = i18n;
  if (notice.kind === 'offered') return <p className="notice notice--done">{t('lot.offered')}</p>;
  if (notice.kind === 'changed')
    return <p className="notice notice--problem">{t('lot.changed')}</p>;
  const { answer } = notice;
  switch (answer.kind) {
    case 'divert':
      return (
        <p className="notice notice--done">
          {t('lot.diverted', { quantity: amount(answer.diverted) })}
        </p>
      );
    case 'withdraw':
      return (
        <p className="notice notice--done">
          {t('lot.withdrawn', {
            quantity: amount(answer.withdrawn),
            count: answer.releasedHoldIds.length,
          })}
        </p>
      );
    case 'window':
      return (
        <p className="notice notice--done">
          {t('lot.amended', {
            until: i18n.moment(answer.mustBeGoneBy),
            count: answer.cappedHoldIds.length,
          })}
        </p>
      );
  }
}

function WhereItWent({
  outcomes,
  amount,
  i18n,
}: {
  outcomes: LotOutcome[];
  amount: (q: number | string) => string;
  i18n: I18n;
}) {
  const { t } = i18n;
  const destination = (o: { destination: string; route?: string }) =>
    o.destination === 'diverted' && o.route
      ? t('lot.to.divertedTo', { route: nameOf('route', o.route, i18n) })
      : nameOf('end', o.destination, i18n);
  return (
    <section aria-labelledby="lot-went">
      <h2 id="lot-went">{t('lot.went')}</h2>
      {outcomes.length ? (
        <>
          <ul className="plain totals">
            {totalsOf(outcomes).map((total) => {
              const [end, route] = total.key.split(':');
              return (
                <li key={total.key}>
                  <strong>{destination({ destination: end!, ...(route ? { route } : {}) })}</strong>{' '}
                  : {amount(total.quantity)}
                </li>
              );
            })}
          </ul>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('passport.at')}</th>
                <th scope="col">{t('lot.destination')}</th>
                <th scope="col">{t('lot.detail')}</th>
                <th scope="col" className="number">
                  {t('passport.quantity')}
                </th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o, index) => (
                <tr key={index}>
                  <td>{i18n.moment(o.at)}</td>
                  <td>{destination(o)}</td>
                  <td>
                    {o.holder ? (
                      <>
                        {t('lot.takenBy')} <code>{o.holder}</code>
                      </>
                    ) : o.automatic ? (
                      t('lot.byDeadline')
                    ) : (
                      ''
                    )}
                  </td>
                  <td className="number">{amount(o.quantity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p>{t('lot.notYet')}</p>
      )}
    </section>
  );
}
