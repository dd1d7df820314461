import { useState, type FormEvent } from 'react';
import { codeOf, type Problem } from '../../../api/problem';
import type { DiversionRoute } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { Checks, type Check } from '../../../shared/checks';
import { zonedLocal } from '../../../shared/dates';
import { Choices, ErrorSummary, Field, ProblemNotice, useDomId } from '../../../shared/form';
import { messagesOf } from '../../../shared/messages-of';
import { ROUTES, windowOf } from '../offer/offer-form';
import type { LotCommand } from './commands';

interface FormProps {
  busy: boolean;
  /** The gateway's refusal of this form's last command. */
  problem: Problem | null;
  onSubmit: (command: LotCommand) => void;
}

/** What nobody holds goes now to a route, the offer's fallback unless the firm names another. */
export function DivertForm({
  fallback,
  still,
  amount,
  busy,
  problem,
  onSubmit,
}: FormProps & {
  fallback: { route: string; facility: string } | undefined;
  still: number;
  amount: (quantity: number) => string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const headingId = useDomId('divert');
  const [route, setRoute] = useState<DiversionRoute | ''>(
    ROUTES.find((r) => r === fallback?.route) ?? '',
  );
  const [facility, setFacility] = useState(fallback?.facility ?? '');
  const [checks, setChecks] = useState<Check[]>([]);
  const labels = {
    'destination.route': t('offer.route'),
    'destination.facility': t('offer.facility'),
  };
  const messages = messagesOf(checks, problem, i18n, labels);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = new Checks();
    const chosen = found.choice('destination.route', route);
    const where = found.text('destination.facility', facility);
    setChecks(found.found);
    if (found.ok)
      onSubmit({ kind: 'divert', body: { destination: { route: chosen!, facility: where! } } });
  }

  return (
    <form className="form lot-form" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h3 id={headingId}>{t('lot.divertTitle')}</h3>
      <p>{t('lot.divertText', { quantity: amount(still) })}</p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <Choices
        path="destination.route"
        legend={labels['destination.route']}
        errors={messages.at('destination.route')}
      >
        {ROUTES.map((r) => (
          <label key={r} className="choice choice--small">
            <input
              type="radio"
              name="divert-route"
              value={r}
              checked={route === r}
              onChange={() => setRoute(r)}
            />
            {t(`route.${r}`)}
          </label>
        ))}
      </Choices>
      <Field
        path="destination.facility"
        label={labels['destination.facility']}
        hint={t('offer.facilityHint')}
        errors={messages.at('destination.facility')}
        required
      >
        {(props) => (
          <input
            {...props}
            name="facility"
            autoComplete="off"
            value={facility}
            onChange={(e) => setFacility(e.target.value)}
          />
        )}
      </Field>
      <div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('lot.divertSubmit')}
        </button>
      </div>
    </form>
  );
}

/** The works moved: a new window; holds that would outlive it end with it. */
export function WindowForm({
  window,
  busy,
  problem,
  onSubmit,
}: FormProps & { window: { availableFrom?: string; mustBeGoneBy?: string } }) {
  const i18n = useI18n();
  const { t } = i18n;
  const headingId = useDomId('window');
  const [draft, setDraft] = useState({
    availableFrom: window.availableFrom ? zonedLocal(window.availableFrom) : '',
    mustBeGoneBy: window.mustBeGoneBy ? zonedLocal(window.mustBeGoneBy) : '',
  });
  const [checks, setChecks] = useState<Check[]>([]);
  const labels = { availableFrom: t('offer.availableFrom'), mustBeGoneBy: t('offer.mustBeGoneBy') };
  const messages = messagesOf(checks, problem, i18n, labels);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = new Checks();
    const body = windowOf(found, draft);
    setChecks(found.found);
    if (body) onSubmit({ kind: 'window', body });
  }

  return (
    <form className="form lot-form" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h3 id={headingId}>{t('lot.windowTitle')}</h3>
      <p className="hint">{t('lot.windowHint')}</p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <div className="grid">
        {(['availableFrom', 'mustBeGoneBy'] as const).map((name) => (
          <Field key={name} path={name} label={labels[name]} errors={messages.at(name)} required>
            {(props) => (
              <input
                {...props}
                name={name}
                type="datetime-local"
                value={draft[name]}
                onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
              />
            )}
          </Field>
        ))}
      </div>
      <div>
        <button type="submit" className="button" disabled={busy}>
          {t('lot.windowSubmit')}
        </button>
      </div>
    </form>
  );
}

/** The firm keeps its lot after all: asked twice, since takers lose their holds. */
export function WithdrawForm({ busy, problem, onSubmit }: FormProps) {
  const { t } = useI18n();
  const headingId = useDomId('withdraw');
  const [confirming, setConfirming] = useState(false);
  return (
    <form
      className="form lot-form"
      aria-labelledby={headingId}
      onSubmit={(e) => {
        e.preventDefault();
        if (!confirming) return setConfirming(true);
        setConfirming(false);
        onSubmit({ kind: 'withdraw', body: {} });
      }}
    >
      <h3 id={headingId}>{t('lot.withdrawTitle')}</h3>
      <p className="hint">{t('lot.withdrawText')}</p>
      {problem ? <ProblemNotice problem={problem} /> : null}
      {confirming ? (
        <p className="notice notice--kept" role="alert">
          {t('lot.withdrawConfirm')}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {confirming ? t('lot.withdrawYes') : t('lot.withdrawSubmit')}
        </button>
        {confirming ? (
          <button
            type="button"
            className="button button--quiet"
            onClick={() => setConfirming(false)}
          >
            {t('lot.withdrawNo')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
