import { Link } from 'react-router';
import { titleOf } from '../../../api/messages';
import type { Problem } from '../../../api/problem';
import type { IntakeBody } from '../../../api/types';
import { useI18n, type I18n } from '../../../i18n/i18n';
import { outbox, useOutbox, type OutboxEntry } from '../../../offline/outbox';
import { useSession } from '../../../session/session';
import { LABELLED } from '../../goods/states';
import { fromRequest, type IntakeDraft } from './intake-form';

/**
 * The intakes kept on this device: waiting for the network, refused by the gateway (to
 * correct), or sent (with their labels to print, until cleared).
 */
export function OutboxPanel({
  onCorrect,
}: {
  onCorrect: (entry: { draft: IntakeDraft; problem?: Problem }) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const entries = useOutbox().filter((e) => e.kind === 'intake' && e.userId === session?.userId);
  if (!entries.length) return null;
  return (
    <section className="outbox" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">{t('outbox.title')}</h2>
      <ul className="outbox__list">
        {entries.map((entry) => (
          <li
            key={entry.key}
            className={`outbox__entry outbox__entry--${entry.status}`}
            data-status={entry.status}
          >
            <p>
              <strong>{t(`outbox.${entry.status}`)}</strong> · {summaryOf(entry, i18n)}
            </p>
            {entry.status === 'pending' && entry.attempts > 0 ? (
              <p className="hint">{t('outbox.attempts', { count: entry.attempts })}</p>
            ) : null}
            {entry.status === 'refused' && entry.problem ? (
              <p>{titleOf(entry.problem, i18n)}</p>
            ) : null}
            <div className="actions">
              {entry.status === 'refused' ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    onCorrect({
                      draft: fromRequest(entry.body as IntakeBody),
                      ...(entry.problem ? { problem: entry.problem } : {}),
                    });
                    void outbox.remove(entry.key);
                  }}
                >
                  {t('outbox.correct')}
                </button>
              ) : null}
              {entry.status === 'sent' ? <SentLinks entry={entry} /> : null}
              {entry.status !== 'pending' ? (
                <button
                  type="button"
                  className="button button--quiet"
                  onClick={() => void outbox.remove(entry.key)}
                >
                  {t(entry.status === 'sent' ? 'outbox.clear' : 'outbox.drop')}
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SentLinks({ entry }: { entry: OutboxEntry }) {
  const { t } = useI18n();
  const body = entry.body as IntakeBody;
  const goodIds = (entry.result as { goodIds?: string[] } | undefined)?.goodIds ?? [];
  const labelled = goodIds.filter((_, i) => LABELLED.includes(body.goods[i]?.kind ?? 'bulk'));
  return (
    <>
      {goodIds[0] ? (
        <Link className="button" to={`/goods/${goodIds[0]}/passport`}>
          {t('outbox.passport')}
        </Link>
      ) : null}
      {labelled.length ? (
        <Link className="button" to={`/labels?ids=${labelled.join(',')}`}>
          {t('intake.printLabels', { count: labelled.length })}
        </Link>
      ) : null}
    </>
  );
}

function summaryOf(entry: OutboxEntry, i18n: I18n): string {
  const body = entry.body as IntakeBody;
  return i18n.t('outbox.summary', {
    at: i18n.moment(entry.savedAt),
    gross: i18n.number(body.grossWeightKg),
    count: body.goods.length,
    locality: body.provenance.locality,
  });
}
