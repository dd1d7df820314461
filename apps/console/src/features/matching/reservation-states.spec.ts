import { describe, expect, it } from '@jest/globals';
import { fr } from '../../i18n/fr';
import { isLive, stateKey } from './reservation-states';

describe('reservation states in words', () => {
  it('should say a held aid waits for the workshop, a held lot is reserved', () => {
    expect(fr[stateKey({ status: 'held', approvalRequired: true })]).toBe(
      'en attente de validation par l’atelier',
    );
    expect(fr[stateKey({ status: 'held', approvalRequired: false })]).toBe('réservée');
    expect(fr[stateKey({ status: 'confirmed', approvalRequired: true })]).toBe('validée');
    expect(fr[stateKey({ status: 'handed-over', approvalRequired: true })]).toBe('remise');
    expect(fr[stateKey({ status: 'expired', approvalRequired: true })]).toBe('expirée');
  });

  it('should count only requested, waiting, held and confirmed as still moving', () => {
    expect(['requested', 'waiting', 'held', 'confirmed'].every((s) => isLive(s as never))).toBe(
      true,
    );
    expect(['handed-over', 'expired', 'cancelled', 'refused'].some((s) => isLive(s as never))).toBe(
      false,
    );
  });
});
