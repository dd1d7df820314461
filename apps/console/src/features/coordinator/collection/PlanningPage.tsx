import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { idempotencyKey } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import { ApiProblem, type Problem } from '../../../api/problem';
import type { DayRounds, Organisation, Pickup, Round, Vehicle } from '../../../api/types';
import { useI18n, type I18n } from '../../../i18n/i18n';
import { nextDay, zonedToday } from '../../../shared/dates';
import { Field, Loading, PageHeading, ProblemNotice, useDomId } from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { loadOrganisations } from '../../directory/load';
import { goodsText, hourOf, loadText, windowText } from '../../collection/format';
import {
  assignDriver,
  loadDayRounds,
  loadPickups,
  loadVehicles,
  planDay,
} from '../../collection/load';
import { RouteMap, type MapRoute, type MapStop } from '../../collection/map/RouteMap';
import { CancelPickupButton } from '../../collection/CancelPickupButton';
import { PickupsTable } from '../../collection/PickupsTable';
import '../../collection/collection.css';
import { MoveStopForm, type MoveTarget } from './MoveStopForm';

/** How often the page asks whether the plan it asked for is made. */
const POLL_MS = 1_000;
/** After this long the page stops asking; the plan still comes, shown on the next visit. */
const POLL_LIMIT_MS = 120_000;

type Planning =
  | { kind: 'idle' }
  | { kind: 'waiting'; revision: number }
  | { kind: 'done'; rounds: number; unplanned: number }
  | { kind: 'slow' };

/**
 * The collection planner's day: every pickup with a window on it, the rounds the plan made
 * (on a map and as lists, each stop with its hour), and the pickups no round could take,
 * with the reason in words. Planning (or planning again) runs in the collection service's
 * background; the page waits for the plan it asked for. A stop still to come on a round not
 * yet started, or a pickup on no round, is moved by hand with a small form (a round and a
 * position, no dragging); collection checks the rounds it changes and re-times them, or
 * refuses naming the rule, and the page reads the day again to show the new order.
 */
export function PlanningPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(params.get('day') ?? '')
    ? params.get('day')!
    : zonedToday();
  const data = useResource(async () => {
    const [rounds, pickups, vehicles, members] = await Promise.all([
      loadDayRounds(day),
      loadPickups({ day, limit: 500 }),
      // The page reads without vehicles' and members' names.
      loadVehicles().catch(() => [] as Vehicle[]),
      loadOrganisations().catch(() => [] as Organisation[]),
    ]);
    return { rounds, pickups, vehicles, members };
  }, [day]);
  const [planning, setPlanning] = useState<Planning>({ kind: 'idle' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const planKey = useRef<{ day: string; key: string } | null>(null);

  // A plan asked for here, or by the service's own schedule, is still being made: wait for it.
  const pending =
    data.status === 'ready' && data.data.rounds.requestedRevision > data.data.rounds.plannedRevision
      ? data.data.rounds.requestedRevision
      : null;
  const waitFor = planning.kind === 'waiting' ? planning.revision : pending;
  useEffect(() => {
    if (waitFor === null) return;
    let stopped = false;
    const started = Date.now();
    const poll = async () => {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (stopped) return;
        const rounds = await loadDayRounds(day).catch(() => null);
        if (stopped) return;
        if (rounds && rounds.plannedRevision >= waitFor) {
          setPlanning({
            kind: 'done',
            rounds: rounds.rounds.length,
            unplanned: rounds.unplanned.length,
          });
          data.reload();
          return;
        }
        if (Date.now() - started > POLL_LIMIT_MS) {
          setPlanning({ kind: 'slow' });
          return;
        }
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
    // `data` is a new object each render; the revision and the day say what is awaited.
  }, [waitFor, day]);

  async function plan() {
    if (busy) return;
    setProblem(null);
    const key = planKey.current?.day === day ? planKey.current.key : idempotencyKey();
    planKey.current = { day, key };
    setBusy(true);
    try {
      const { requestedRevision } = await planDay(day, key);
      planKey.current = null;
      setPlanning({ kind: 'waiting', revision: requestedRevision });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (!error.offline) planKey.current = null;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  function chooseDay(next: string) {
    setPlanning({ kind: 'idle' });
    setProblem(null);
    setParams(next ? { day: next } : {});
  }

  const title = t('planning.title');
  return (
    <section className="planning">
      <PageHeading title={title}>{title}</PageHeading>
      <div className="filters">
        <Field path="day" label={t('planning.day')} required>
          {(props) => (
            <input
              {...props}
              type="date"
              name="day"
              value={day}
              onChange={(e) => chooseDay(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="button" className="button" onClick={() => chooseDay(zonedToday())}>
            {t('planning.today')}
          </button>
          <button type="button" className="button" onClick={() => chooseDay(nextDay(zonedToday()))}>
            {t('planning.tomorrow')}
          </button>
        </div>
      </div>
      <p className="lead">{t('planning.of', { day: i18n.day(day) })}</p>

      <div className="actions">
        <button
          type="button"
          className="button button--primary button--large"
          disabled={busy || waitFor !== null}
          onClick={() => void plan()}
        >
          {data.status === 'ready' && data.data.rounds.plannedRevision > 0
            ? t('planning.replan')
            : t('planning.plan')}
        </button>
      </div>
      <p className="hint">{t('planning.moveHint')}</p>
      <div role="status" className="outcome">
        {waitFor !== null ? <p className="notice">{t('planning.waiting')}</p> : null}
        {planning.kind === 'done' && waitFor === null ? (
          <p className="notice notice--done">
            {t('planning.done', { count: planning.rounds })}{' '}
            {t('planning.doneUnplanned', { count: planning.unplanned })}
          </p>
        ) : null}
        {planning.kind === 'slow' ? <p className="notice">{t('planning.slow')}</p> : null}
      </div>
      {problem ? <ProblemNotice problem={problem} /> : null}

      {data.status === 'loading' ? <Loading /> : null}
      {data.status === 'failed' ? <ProblemNotice problem={data.problem} /> : null}
      {data.status === 'ready' ? <DayView day={day} {...data.data} reload={data.reload} /> : null}
    </section>
  );
}

function DayView({
  day,
  rounds,
  pickups,
  vehicles,
  members,
  reload,
}: {
  day: string;
  rounds: DayRounds;
  pickups: Pickup[];
  vehicles: Vehicle[];
  members: Organisation[];
  reload: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  // The one stop whose move form is open, and what the last move did.
  const [moving, setMoving] = useState<string | null>(null);
  const [moved, setMoved] = useState('');
  const vehicleOf = (id: string) => vehicles.find((v) => v.vehicleId === id);
  const pickupOf = new Map(pickups.map((p) => [p.pickupId, p]));
  const memberOf = (p: Pickup) =>
    members.find((m) => m.id === p.organisationId)?.name ?? t('planning.member');
  const roundName = (round: Round, index: number) =>
    t('planning.roundName', {
      n: index + 1,
      vehicle: vehicleOf(round.vehicleId)?.name ?? t('planning.vehicle'),
    });
  const routes: MapRoute[] = rounds.rounds.map((round, index) => ({
    key: round.roundId,
    name: roundName(round, index),
    depot: vehicleOf(round.vehicleId)?.depot ?? null,
    stops: round.stops.map((stop) => ({
      key: stop.pickupId,
      mark: String(stop.sequence),
      name: t('planning.stopName', {
        n: stop.sequence,
        address: stop.address,
        eta: hourOf(stop.eta),
      }),
      position: stop.position,
      status: stop.status,
    })),
  }));
  const loose: MapStop[] = rounds.unplanned.flatMap((u) => {
    const pickup = pickupOf.get(u.pickupId);
    return pickup
      ? [
          {
            key: u.pickupId,
            mark: '?',
            name: `${pickup.address} : ${nameOf('unplanned', u.reason, i18n)}`,
            position: pickup.position,
          },
        ]
      : [];
  });
  const stopCount = rounds.rounds.reduce((n, r) => n + r.stops.length, 0);
  // Only a round not yet started takes a stop moved by hand (a newer plan being made, none).
  const targets: MoveTarget[] = rounds.rounds.flatMap((round, index) =>
    round.status === 'planned'
      ? [
          {
            roundId: round.roundId,
            name: roundName(round, index),
            pending: round.stops.filter((s) => s.status === 'pending').length,
          },
        ]
      : [],
  );
  const canMove = rounds.requestedRevision <= rounds.plannedRevision && targets.length > 0;
  const addressOf = (pickupId: string) =>
    pickupOf.get(pickupId)?.address ??
    rounds.rounds.flatMap((r) => r.stops).find((s) => s.pickupId === pickupId)?.address ??
    pickupId;
  const move = {
    moving,
    targets: canMove ? targets : [],
    addressOf,
    open: (pickupId: string) => {
      setMoved('');
      setMoving(pickupId);
    },
    close: () => setMoving(null),
    done: (said: string) => {
      setMoving(null);
      setMoved(said);
      reload();
    },
  };

  return (
    <>
      {rounds.plannedRevision === 0 ? (
        <p>{t('planning.notPlanned', { count: pickups.length })}</p>
      ) : null}
      {rounds.rounds.length || loose.length ? (
        <RouteMap
          title={t('planning.map', { day: i18n.day(day) })}
          summary={t('planning.mapSummary', {
            rounds: rounds.rounds.length,
            stops: stopCount,
            unplanned: loose.length,
          })}
          routes={routes}
          loose={loose}
          looseName={t('planning.unplannedTitle')}
        />
      ) : null}

      <p role="status" className="saved">
        {moved}
      </p>
      <section aria-labelledby="rounds-heading">
        <h2 id="rounds-heading">{t('planning.rounds', { count: rounds.rounds.length })}</h2>
        {rounds.plannedRevision > 0 && !rounds.rounds.length ? (
          <p>{t('planning.noRound')}</p>
        ) : null}
        {rounds.rounds.map((round, index) => (
          <RoundCard
            key={round.roundId}
            round={round}
            name={roundName(round, index)}
            pickupOf={pickupOf}
            reload={reload}
            move={move}
          />
        ))}
      </section>

      <section aria-labelledby="unplanned-heading">
        <h2 id="unplanned-heading">{t('planning.unplannedTitle')}</h2>
        {rounds.unplanned.length ? (
          <ul className="unplanned">
            {rounds.unplanned.map((u) => {
              const pickup = pickupOf.get(u.pickupId);
              return (
                <li key={u.pickupId} className="unplanned__item" data-pickup={u.pickupId}>
                  <p>
                    <strong>
                      {pickup
                        ? `${nameOf('pickupKind', pickup.kind, i18n)} · ${memberOf(pickup)} · ${pickup.address}`
                        : u.pickupId}
                    </strong>
                  </p>
                  <p>
                    <span className="unplanned__reason">{nameOf('unplanned', u.reason, i18n)}</span>{' '}
                    {unplannedAdvice(u.reason, i18n)}
                  </p>
                  {pickup ? (
                    <p className="hint">
                      {goodsText(pickup.goods, i18n)} · {loadText(pickup.expectedLoad, i18n)}
                      {pickup.skills.length
                        ? ` · ${pickup.skills.map((s) => nameOf('skill', s, i18n)).join(', ')}`
                        : ''}
                    </p>
                  ) : null}
                  {pickup && move.targets.length ? (
                    <MoveControl
                      move={move}
                      pickupId={u.pickupId}
                      address={pickup.address}
                      from={null}
                    />
                  ) : null}
                </li>
              );
            })}
          </ul>
        ) : (
          <p>{t('planning.allPlanned')}</p>
        )}
      </section>

      <section aria-labelledby="pickups-heading">
        <h2 id="pickups-heading">{t('planning.pickups', { count: pickups.length })}</h2>
        {pickups.length ? (
          <PickupsTable
            caption={t('planning.pickupsCaption', { day: i18n.day(day) })}
            pickups={pickups}
            memberOf={memberOf}
            actions={(pickup) =>
              pickup.status === 'requested' || pickup.status === 'scheduled' ? (
                <CancelPickupButton pickup={pickup} onDone={reload} />
              ) : null
            }
          />
        ) : (
          <p>{t('planning.noPickups')}</p>
        )}
      </section>
    </>
  );
}

function unplannedAdvice(reason: string, i18n: I18n): string {
  const key = `unplannedAdvice.${reason}`;
  return i18n.has(key) ? i18n.t(key) : '';
}

/** What the page's stops need to open, send and close their move form. */
interface Move {
  moving: string | null;
  targets: MoveTarget[];
  addressOf: (pickupId: string) => string;
  open: (pickupId: string) => void;
  close: () => void;
  done: (said: string) => void;
}

/** A stop's "Move" button, and its form once opened. */
function MoveControl({
  move,
  pickupId,
  address,
  from,
}: {
  move: Move;
  pickupId: string;
  address: string;
  from: { roundId: string; sequence: number } | null;
}) {
  const { t } = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  const open = move.moving === pickupId;
  // The keyboard comes back to the button the form was opened from.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  if (!open)
    return (
      <button
        ref={button}
        type="button"
        className="button button--small"
        aria-expanded={false}
        onClick={() => move.open(pickupId)}
      >
        {t('planning.move')}
        <span className="visually-hidden"> : {address}</span>
      </button>
    );
  return (
    <MoveStopForm
      pickupId={pickupId}
      address={address}
      from={from}
      targets={move.targets}
      addressOf={move.addressOf}
      onMoved={move.done}
      onCancel={move.close}
    />
  );
}

function RoundCard({
  round,
  name,
  pickupOf,
  reload,
  move,
}: {
  round: Round;
  name: string;
  pickupOf: Map<string, Pickup>;
  reload: () => void;
  move: Move;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const headingId = useDomId('round');
  const total = round.stops.reduce(
    (sum, s) => ({
      kg: sum.kg + s.expectedLoad.kg,
      m3: sum.m3 + s.expectedLoad.m3,
      crates: sum.crates + s.expectedLoad.crates,
      items: sum.items + s.expectedLoad.items,
    }),
    { kg: 0, m3: 0, crates: 0, items: 0 },
  );
  const movable = move.targets.some((r) => r.roundId === round.roundId);
  return (
    <article className="round-card" aria-labelledby={headingId} data-round={round.roundId}>
      <h3 id={headingId}>{name}</h3>
      <dl className="facts">
        <dt>{t('planning.roundStatus')}</dt>
        <dd>
          <span className="state">{nameOf('roundStatus', round.status, i18n)}</span>
        </dd>
        <dt>{t('planning.distance')}</dt>
        <dd>{i18n.number(round.distanceKm, 1)} km</dd>
        <dt>{t('planning.load')}</dt>
        <dd>{loadText(total, i18n)}</dd>
        <dt>{t('planning.driver')}</dt>
        <dd>{round.driverId ?? t('planning.noDriver')}</dd>
      </dl>
      <div
        className="table-scroll"
        role="region"
        aria-labelledby={`${headingId}-stops`}
        tabIndex={0}
      >
        <table>
          <caption id={`${headingId}-stops`}>
            {t('planning.stops', {
              name: name.charAt(0).toLocaleLowerCase(i18n.language) + name.slice(1),
            })}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="number">
                {t('planning.sequence')}
              </th>
              <th scope="col">{t('planning.eta')}</th>
              <th scope="col">{t('pickups.where')}</th>
              <th scope="col">{t('pickups.windows')}</th>
              <th scope="col">{t('pickups.what')}</th>
              <th scope="col">{t('planning.stopStatus')}</th>
              {movable ? <th scope="col">{t('planning.move')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {round.stops.map((stop) => (
              <tr key={stop.pickupId} data-pickup={stop.pickupId}>
                <td className="number">{stop.sequence}</td>
                <td>{hourOf(stop.eta)}</td>
                <td>
                  {stop.address}
                  {pickupOf.get(stop.pickupId) ? (
                    <>
                      <br />
                      <span className="hint">{pickupOf.get(stop.pickupId)!.locality}</span>
                    </>
                  ) : null}
                </td>
                <td>{stop.windows.map((w) => windowText(w, i18n)).join(' ; ')}</td>
                <td>
                  {goodsText(stop.goods, i18n)}
                  <br />
                  <span className="hint">{loadText(stop.expectedLoad, i18n)}</span>
                </td>
                <td>{nameOf('stopStatus', stop.status, i18n)}</td>
                {movable ? (
                  <td>
                    {stop.status === 'pending' ? (
                      <MoveControl
                        move={move}
                        pickupId={stop.pickupId}
                        address={stop.address}
                        from={{ roundId: round.roundId, sequence: stop.sequence }}
                      />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {round.status !== 'completed' ? (
        <DriverForm round={round} name={name} onDone={reload} />
      ) : null}
    </article>
  );
}

/** Gives the round to a driver, by the user id their sign-in gives them. */
function DriverForm({ round, name, onDone }: { round: Round; name: string; onDone: () => void }) {
  const { t } = useI18n();
  const [driverId, setDriverId] = useState(round.driverId ?? '');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [error, setError] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `driver-${round.roundId}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setDone(false);
    const chosen = driverId.trim();
    setError(!chosen);
    if (!chosen || busy) return;
    setBusy(true);
    try {
      await assignDriver(round.roundId, chosen, idempotencyKey());
      setDone(true);
      onDone();
    } catch (caught) {
      if (!(caught instanceof ApiProblem)) throw caught;
      setProblem(caught.problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field
        path={path}
        label={t('planning.driverId')}
        hint={t('planning.driverIdHint')}
        errors={error ? [{ text: t('rule.required'), lang: 'fr' }] : []}
        required
      >
        {(props) => (
          <input
            {...props}
            name="driverId"
            autoComplete="off"
            spellCheck={false}
            value={driverId}
            onChange={(e) => setDriverId(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={busy}>
        {t('planning.assign')}
        <span className="visually-hidden"> : {name}</span>
      </button>
      <p role="status" className="saved">
        {done ? t('planning.assigned') : ''}
      </p>
      {problem ? <ProblemNotice problem={problem} /> : null}
    </form>
  );
}
