import { useRef, useState } from 'react';
import { idempotencyKey } from '../../api/client';
import { ApiProblem, type Problem } from '../../api/problem';
import type { Pickup } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { ProblemNotice } from '../../shared/form';
import { cancelPickup } from './load';

/** Cancels a pickup not yet collected; collection plans its day again. */
export function CancelPickupButton({ pickup, onDone }: { pickup: Pickup; onDone: () => void }) {
  const { t } = useI18n();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());
  async function cancel() {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await cancelPickup(pickup.pickupId, key.current);
      onDone();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (!error.offline) key.current = idempotencyKey();
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button
        type="button"
        className="button button--small"
        disabled={busy}
        onClick={() => void cancel()}
      >
        {t('pickups.cancel')}
        <span className="visually-hidden"> : {pickup.address}</span>
      </button>
      {problem ? <ProblemNotice problem={problem} /> : null}
    </>
  );
}
