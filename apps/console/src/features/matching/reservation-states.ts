import type { MessageKey } from '../../i18n/fr';
import type { Reservation, ReservationStatus } from '../../api/types';

/** The states a reservation still moves from: the others are its end. */
export const LIVE_STATES: readonly ReservationStatus[] = [
  'requested',
  'waiting',
  'held',
  'confirmed',
];

export function isLive(status: ReservationStatus): boolean {
  return LIVE_STATES.includes(status);
}

/**
 * A reservation's state as the people following it read it: a held medical aid waits
 * for the workshop's approval, a held lot (no approval) is as good as confirmed.
 */
export function stateKey(
  reservation: Pick<Reservation, 'status' | 'approvalRequired'>,
): MessageKey {
  if (reservation.status === 'held' && !reservation.approvalRequired)
    return 'reservationState.heldNoApproval';
  return `reservationState.${reservation.status}`;
}

/** Whether the people of the need may still let it go (the API says so again). */
export function cancellable(status: ReservationStatus): boolean {
  return isLive(status);
}
