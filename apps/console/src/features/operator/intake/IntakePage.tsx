import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../../api/client';
import { say } from '../../../api/messages';
import { ApiProblem, codeOf, fieldErrors, type Problem } from '../../../api/problem';
import type { GoodKind, IntakeBody } from '../../../api/types';
import { useI18n, type I18n } from '../../../i18n/i18n';
import { outbox, useOutbox } from '../../../offline/outbox';
import { useSession } from '../../../session/session';
import { useWorkstation } from '../../../session/workstation';
import {
  Choices,
  ErrorSummary,
  Field,
  fieldId,
  PageHeading,
  ProblemNotice,
  type FieldMessage,
  type SummaryItem,
} from '../../../shared/form';
import { LABELLED } from '../../goods/states';
import { GoodFields } from './GoodFields';
import {
  COLLECTION_MODES,
  emptyIntake,
  netOf,
  newGood,
  toRequest,
  type Check,
  type GoodDraft,
  type IntakeDraft,
} from './intake-form';
import { OutboxPanel } from './OutboxPanel';

type Outcome =
  | { kind: 'recorded'; intakeId: string; goodIds: string[]; kinds: GoodKind[] }
  | { kind: 'kept'; key: string };

const KIND_KEYS: readonly GoodKind[] = ['item', 'lot', 'pool', 'bulk'];

/**
 * Weighed intake at the counter: gross and tare, where it comes from, how it came, and
 * the goods it brought, in one request (all or nothing). Built for speed at a counter:
 * the keyboard starts in the gross weight, Enter records, Alt+1…4 adds a good of each
 * kind, and a new entry keeps the collection mode and locality of the last one. Without
 * network the entry is kept on the device and sent when the network returns.
 */
export function IntakePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const workstation = useWorkstation();
  const entries = useOutbox();
  const [draft, setDraft] = useState<IntakeDraft>(() => emptyIntake());
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  // The key of the last request sent: the same request again (a retry) keeps it.
  const attempt = useRef<{ json: string; key: string } | null>(null);
  const focusOn = useRef<string | null>('grossWeightKg');

  useEffect(() => {
    if (!focusOn.current) return;
    document.getElementById(fieldId(focusOn.current))?.focus();
    focusOn.current = null;
  });

  const serverErrors =
    problem && codeOf(problem) === 'validation'
      ? fieldErrors(problem)
      : new Map<string, string[]>();
  const messagesAt = (path: string): FieldMessage[] => [
    ...checks
      .filter((c) => c.path === path)
      .map((c) => ({ text: t(c.rule, c.params), lang: i18n.language })),
    ...(serverErrors.get(path) ?? []).map((m) => say(m, i18n)),
  ];
  const shown = new Set(fieldPaths(draft));
  const summary: SummaryItem[] = [
    ...checks.map((c) => ({
      path: shown.has(c.path) ? c.path : undefined,
      label: labelOf(c.path, i18n),
      message: { text: t(c.rule, c.params), lang: i18n.language },
    })),
    ...[...serverErrors].flatMap(([path, messages]) =>
      messages.map((m) => ({
        path: shown.has(path) ? path : undefined,
        label: labelOf(path, i18n),
        message: say(m, i18n),
      })),
    ),
  ];

  function update(next: IntakeDraft) {
    setDraft(next);
    setOutcome(null);
  }

  function addGood(kind: GoodKind) {
    const good = newGood(kind);
    focusOn.current = `goods.${draft.goods.length}.${firstField(kind)}`;
    update({ ...draft, goods: [...draft.goods, good] });
  }

  function changeGood(index: number, good: GoodDraft) {
    update({ ...draft, goods: draft.goods.map((g, i) => (i === index ? good : g)) });
  }

  function removeGood(index: number) {
    focusOn.current =
      draft.goods.length > 1
        ? `goods.${Math.max(0, index - 1)}.${firstField(draft.goods[Math.max(0, index - 1)]!.kind)}`
        : null;
    update({ ...draft, goods: draft.goods.filter((_, i) => i !== index) });
  }

  async function keep(body: IntakeBody, key: string) {
    await outbox.save({ key, kind: 'intake', userId: session?.userId ?? '', body });
    finish({ kind: 'kept', key });
  }

  function finish(result: Outcome) {
    setOutcome(result);
    setChecks([]);
    setProblem(null);
    attempt.current = null;
    setDraft(emptyIntake(draft));
    focusOn.current = 'grossWeightKg';
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (busy) return;
    const request = toRequest(draft, workstation);
    setProblem(null);
    if ('checks' in request) {
      setChecks(request.checks);
      return;
    }
    setChecks([]);
    const json = JSON.stringify(request.body);
    const key = attempt.current?.json === json ? attempt.current.key : idempotencyKey();
    attempt.current = { json, key };
    if (!navigator.onLine) return keep(request.body, key);
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST('/v1/intakes', {
          body: request.body,
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      finish({
        kind: 'recorded',
        intakeId: data.intakeId,
        goodIds: data.goodIds,
        kinds: request.body.goods.map((g) => g.kind),
      });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      // No answer, or none that says the entry is wrong: kept with its key, sent again later;
      // if the gateway did record it, the same key gets that answer back, not a second intake.
      if (error.offline || error.status === 401 || error.status === 429 || error.status >= 500)
        await keep(request.body, key);
      else setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  function shortcuts(event: KeyboardEvent) {
    if (event.altKey && /^[1-4]$/.test(event.key)) {
      event.preventDefault();
      addGood(KIND_KEYS[Number(event.key) - 1]!);
    }
  }

  const net = netOf(draft);
  const missingPlace = !workstation.siteId || !workstation.locationId;
  const labelIds =
    outcome?.kind === 'recorded'
      ? outcome.goodIds.filter((_, i) => LABELLED.includes(outcome.kinds[i]!))
      : [];

  return (
    <section className="intake" onKeyDown={shortcuts}>
      <PageHeading title={t('intake.title')} focus={false}>
        {t('intake.title')}
      </PageHeading>
      {missingPlace ? (
        <p className="notice">
          {t('intake.noWorkstation')} <Link to="/workstation">{t('intake.setWorkstation')}</Link>
        </p>
      ) : null}
      <div role="status" className="outcome">
        {outcome?.kind === 'recorded' ? (
          <div className="notice notice--done">
            <p>{t('intake.recorded', { count: outcome.goodIds.length })}</p>
            <ul className="links">
              {outcome.goodIds.map((id, index) => (
                <li key={id}>
                  <Link to={`/goods/${id}/passport`}>
                    {t('intake.passportOf', {
                      n: index + 1,
                      kind: t(`kind.${outcome.kinds[index]!}`),
                    })}
                  </Link>
                </li>
              ))}
            </ul>
            {labelIds.length ? (
              <Link className="button" to={`/labels?ids=${labelIds.join(',')}`}>
                {t('intake.printLabels', { count: labelIds.length })}
              </Link>
            ) : null}
          </div>
        ) : null}
        {outcome?.kind === 'kept' ? (
          entries.find((e) => e.key === outcome.key)?.status === 'sent' ? (
            <p className="notice notice--done">{t('intake.keptSent')}</p>
          ) : (
            <p className="notice notice--kept">{t('intake.kept')}</p>
          )
        ) : null}
      </div>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={summary} />
      <form onSubmit={(e) => void submit(e)} noValidate className="form">
        <fieldset className="group">
          <legend>{t('intake.weighing')}</legend>
          <div className="grid grid--weights">
            <Field
              path="grossWeightKg"
              label={t('intake.gross')}
              errors={messagesAt('grossWeightKg')}
              required
            >
              {(props) => (
                <input
                  {...props}
                  name="grossWeightKg"
                  inputMode="decimal"
                  autoComplete="off"
                  className="input--large"
                  value={draft.grossWeightKg}
                  onChange={(e) => update({ ...draft, grossWeightKg: e.target.value })}
                />
              )}
            </Field>
            <Field path="tareKg" label={t('intake.tare')} errors={messagesAt('tareKg')} required>
              {(props) => (
                <input
                  {...props}
                  name="tareKg"
                  inputMode="decimal"
                  autoComplete="off"
                  className="input--large"
                  value={draft.tareKg}
                  onChange={(e) => update({ ...draft, tareKg: e.target.value })}
                />
              )}
            </Field>
            <p className="net">
              {t('intake.net')}{' '}
              <strong>{net !== undefined && net > 0 ? `${i18n.number(net)} kg` : '—'}</strong>
            </p>
          </div>
        </fieldset>

        <fieldset className="group">
          <legend>{t('intake.provenance')}</legend>
          <div className="grid">
            <Field
              path="provenance.locality"
              label={t('intake.locality')}
              hint={t('intake.localityHint')}
              errors={messagesAt('provenance.locality')}
              required
            >
              {(props) => (
                <input
                  {...props}
                  name="locality"
                  autoComplete="address-level2"
                  value={draft.locality}
                  onChange={(e) => update({ ...draft, locality: e.target.value })}
                />
              )}
            </Field>
            <Field
              path="provenance.donorRef"
              label={t('intake.donorRef')}
              hint={t('intake.donorRefHint')}
              errors={messagesAt('provenance.donorRef')}
            >
              {(props) => (
                <input
                  {...props}
                  name="donorRef"
                  autoComplete="off"
                  value={draft.donorRef}
                  onChange={(e) => update({ ...draft, donorRef: e.target.value })}
                />
              )}
            </Field>
          </div>
          <Choices
            path="collectionMode"
            legend={t('intake.collectionMode')}
            errors={messagesAt('collectionMode')}
          >
            {COLLECTION_MODES.map((mode) => (
              <label key={mode} className="choice">
                <input
                  type="radio"
                  name="collectionMode"
                  value={mode}
                  checked={draft.collectionMode === mode}
                  onChange={() => update({ ...draft, collectionMode: mode })}
                />
                {t(`mode.${mode}`)}
              </label>
            ))}
          </Choices>
        </fieldset>

        <fieldset className="group" id={fieldId('goods')} tabIndex={-1}>
          <legend>{t('intake.goods')}</legend>
          {draft.goods.map((good, index) => (
            <fieldset key={good.uid} className="good">
              <legend>{t('intake.goodN', { n: index + 1, kind: t(`kind.${good.kind}`) })}</legend>
              <GoodFields
                good={good}
                index={index}
                i18n={i18n}
                errorsAt={messagesAt}
                onChange={(g) => changeGood(index, g)}
              />
              <button
                type="button"
                className="button button--quiet"
                onClick={() => removeGood(index)}
              >
                {t('intake.remove', { n: index + 1 })}
              </button>
            </fieldset>
          ))}
          <div className="add-goods" role="group" aria-label={t('intake.add')}>
            {KIND_KEYS.map((kind, index) => (
              <button
                key={kind}
                type="button"
                className="button"
                onClick={() => addGood(kind)}
                aria-keyshortcuts={`Alt+${index + 1}`}
              >
                + {t(`kind.${kind}`)} <kbd>Alt+{index + 1}</kbd>
              </button>
            ))}
          </div>
        </fieldset>
        <div className="submit-bar">
          <button type="submit" className="button button--primary button--large" disabled={busy}>
            {busy ? t('intake.sending') : t('intake.submit')}
          </button>
          <p className="hint">{t('intake.keys')}</p>
        </div>
      </form>
      <OutboxPanel
        onCorrect={(entry) => {
          setDraft(entry.draft);
          setChecks([]);
          setProblem(entry.problem ?? null);
          setOutcome(null);
          attempt.current = null;
          focusOn.current = 'grossWeightKg';
        }}
      />
    </section>
  );
}

function firstField(kind: GoodKind): string {
  switch (kind) {
    case 'item':
      return 'serialNumber';
    case 'lot':
      return 'materialFamily';
    case 'pool':
      return 'containerType';
    case 'bulk':
      return 'weightKg';
  }
}

/** The API paths the form shows a field for: only those get a link in the summary. */
function fieldPaths(draft: IntakeDraft): string[] {
  const top = [
    'grossWeightKg',
    'tareKg',
    'provenance.locality',
    'provenance.donorRef',
    'collectionMode',
    'goods',
  ];
  const goods = draft.goods.flatMap((good, index) => {
    const fields: Record<GoodKind, string[]> = {
      item: [
        'serialNumber',
        'make',
        'model',
        'manufacturedOn',
        'weightKg',
        'attributes.seatWidthCm',
        'attributes.maxUserWeightKg',
      ],
      lot: [
        'materialFamily',
        'quantity',
        'unit',
        'conditionGrade',
        'wasteCode',
        'dimensions',
        'weightKg',
      ],
      pool: ['containerType', 'count', 'depositCents', 'weightKg'],
      bulk: ['material', 'weightKg'],
    };
    return fields[good.kind].map((field) => `goods.${index}.${field}`);
  });
  return [...top, ...goods];
}

/** The field's name for the summary: `goods.1.serialNumber` → « Bien 2 · N° de série ». */
function labelOf(path: string, i18n: I18n): string | undefined {
  const good = /^goods\.(\d+)\.(.+)$/.exec(path);
  const field = good ? good[2]! : path;
  const key = `field.${field}`;
  const name = i18n.has(key) ? i18n.t(key) : field;
  return good ? `${i18n.t('intake.goodShort', { n: Number(good[1]) + 1 })} · ${name}` : name;
}
