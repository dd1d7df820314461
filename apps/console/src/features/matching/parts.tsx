import { useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../api/client';
import { nameOf } from '../../api/messages';
import { ApiProblem, type Problem } from '../../api/problem';
import type { CatalogueGood, Need, Reservation } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemNotice } from '../../shared/form';
import { useResource } from '../../shared/use-resource';
import { isoName } from './iso-classes';
import { stateKey } from './reservation-states';

/** A reservation's page, whoever reads it (a need's people, a firm). */
export const reservationPath = (reservationId: string) => `/reservations/${reservationId}`;

/** The state of a reservation in words, as its people follow it. */
export function ReservationState({ reservation }: { reservation: Reservation }) {
  const { t } = useI18n();
  return <span className="state">{t(stateKey(reservation))}</span>;
}

/** A need's reservations, newest first, each opening on its page. */
export function NeedReservations({ needId }: { needId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const reservations = useResource(
    async () =>
      (await unwrap(api.GET('/v1/reservations', { params: { query: { needId, limit: 50 } } }))).data
        .reservations,
    [needId],
  );
  return (
    <section aria-labelledby="need-reservations">
      <h2 id="need-reservations">{t('need.reservations')}</h2>
      {reservations.status === 'loading' ? <Loading /> : null}
      {reservations.status === 'failed' ? <ProblemNotice problem={reservations.problem} /> : null}
      {reservations.status === 'ready' ? (
        reservations.data.length ? (
          <ul className="queue">
            {reservations.data.map((r) => (
              <li key={r.reservationId}>
                <Link to={reservationPath(r.reservationId)} className="queue__aid">
                  <span className="queue__name">
                    {t('reservation.of', { at: i18n.moment(r.requestedAt) })}
                  </span>
                  <span>
                    <ReservationState reservation={r} /> · {i18n.number(Number(r.quantity))}{' '}
                    {nameOf('unit', r.unit, i18n)}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('need.noReservation')}</p>
        )
      ) : null}
    </section>
  );
}

/** One good of the catalogue as a person choosing it reads it. */
export function CatalogueFacts({ good }: { good: CatalogueGood }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <span className="hint">
      {good.isoClass ? `${isoName(good.isoClass, t)} · ` : ''}
      {good.conditionGrade ? `${nameOf('grade', good.conditionGrade, i18n)} · ` : ''}
      {t('catalogue.available', {
        quantity: i18n.number(Number(good.availableQuantity)),
        unit: nameOf('unit', good.unit, i18n),
      })}
      {good.locality ? ` · ${good.locality}` : ''}
      {good.distanceKm !== null
        ? ` · ${t('catalogue.distance', { km: i18n.number(good.distanceKm, 1) })}`
        : ''}
    </span>
  );
}

/**
 * Reserves a good for a need and opens the reservation's page: held at once (201) or still
 * asked of inventory (202), the page follows it live from there.
 */
export function useReserve(): {
  reserve: (good: CatalogueGood, need: Need, quantity?: string) => Promise<void>;
  busy: string | null;
  problem: { goodId: string; problem: Problem } | null;
} {
  const navigate = useNavigate();
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ goodId: string; problem: Problem } | null>(null);
  async function reserve(good: CatalogueGood, need: Need, quantity?: string) {
    if (busy) return;
    setProblem(null);
    setBusy(good.goodId);
    try {
      const { data } = await unwrap(
        api.POST('/v1/reservations', {
          body: {
            goodId: good.goodId,
            needId: need.needId,
            ...(quantity ? { quantity } : {}),
            // An aid someone took a moment before: the person waits on its list, in order,
            // rather than being turned away.
            ...(need.kind === 'medical-aid' ? { waitIfTaken: true } : {}),
          },
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
        }),
      );
      void navigate(reservationPath(data.reservationId));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem({ goodId: good.goodId, problem: error.problem });
    } finally {
      setBusy(null);
    }
  }
  return { reserve, busy, problem };
}

/** Withdraws an open need, after the person confirms. */
export function WithdrawNeed({ need, onDone }: { need: Need; onDone: () => void }) {
  const { t } = useI18n();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  if (need.status !== 'open') return null;
  async function withdraw() {
    if (!window.confirm(t('need.withdrawConfirm'))) return;
    setBusy(true);
    setProblem(null);
    try {
      await unwrap(
        api.POST('/v1/needs/{needId}/withdrawal', {
          params: { path: { needId: need.needId } },
          body: {},
        }),
      );
      onDone();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="actions">
      <button type="button" className="button" disabled={busy} onClick={() => void withdraw()}>
        {t('need.withdraw')}
      </button>
      {problem ? <ProblemNotice problem={problem} /> : null}
    </div>
  );
}

/** A part of a form, with its legend. */
export function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="group">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}
