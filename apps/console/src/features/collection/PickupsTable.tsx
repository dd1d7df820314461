import type { ReactNode } from 'react';
import { nameOf } from '../../api/messages';
import type { Pickup } from '../../api/types';
import { useI18n, type I18n } from '../../i18n/i18n';
import { goodsText, hourOf, windowText } from './format';

/**
 * Pickups as those who asked for them follow them: what, where, when they may come, where
 * each stands (requested, on a round, collected, missed, cancelled), the day and hour it
 * is planned for, and why the plan could not take it, in words.
 */
export function PickupsTable({
  caption,
  pickups,
  memberOf,
  actions,
}: {
  caption: string;
  pickups: readonly Pickup[];
  /** The member's name, where the table shows several members' pickups. */
  memberOf?: (pickup: Pickup) => string;
  /** What the person may do with a pickup (cancel it). */
  actions?: (pickup: Pickup) => ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="pickups">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('pickups.what')}</th>
            {memberOf ? <th scope="col">{t('pickups.member')}</th> : null}
            <th scope="col">{t('pickups.where')}</th>
            <th scope="col">{t('pickups.windows')}</th>
            <th scope="col">{t('pickups.status')}</th>
            <th scope="col">{t('pickups.plan')}</th>
            {actions ? (
              <th scope="col">
                <span className="visually-hidden">{t('pickups.actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {pickups.map((pickup) => (
            <tr key={pickup.pickupId} data-pickup={pickup.pickupId}>
              <td>
                <strong>{nameOf('pickupKind', pickup.kind, i18n)}</strong>
                <br />
                {goodsText(pickup.goods, i18n)}
              </td>
              {memberOf ? <td>{memberOf(pickup)}</td> : null}
              <td>
                {pickup.address}
                <br />
                <span className="hint">{pickup.locality}</span>
              </td>
              <td>
                <ul className="plain">
                  {pickup.windows.map((w) => (
                    <li key={w.from}>{windowText(w, i18n)}</li>
                  ))}
                </ul>
                {pickup.lot ? (
                  <p className="hint">
                    {t('pickups.mustBeGoneBy', { at: i18n.moment(pickup.lot.mustBeGoneBy) })}
                  </p>
                ) : null}
              </td>
              <td>
                <span className="state">{nameOf('pickupStatus', pickup.status, i18n)}</span>
                {pickup.misses > 0 ? (
                  <p className="hint">{t('pickups.misses', { count: pickup.misses })}</p>
                ) : null}
              </td>
              <td>{planText(pickup, i18n)}</td>
              {actions ? <td>{actions(pickup)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Where a pickup is in the plan: its day and hour, or why it is on no round. */
export function planText(pickup: Pickup, i18n: I18n): ReactNode {
  if (pickup.plan)
    return i18n.t('pickups.planned', {
      day: i18n.day(pickup.plan.day),
      eta: hourOf(pickup.plan.eta),
      sequence: pickup.plan.sequence,
    });
  if (pickup.unplannedReason)
    return (
      <>
        <strong>{i18n.t('pickups.unplanned')}</strong>{' '}
        {nameOf('unplanned', pickup.unplannedReason, i18n)}
      </>
    );
  if (pickup.status === 'requested') return i18n.t('pickups.notYetPlanned');
  return '—';
}
