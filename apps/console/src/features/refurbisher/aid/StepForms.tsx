import { useState, type FormEvent } from 'react';
import type { Good, Passport } from '../../../api/types';
import { useI18n, type I18n } from '../../../i18n/i18n';
import type { Workstation } from '../../../session/workstation';
import { Choices, Field, Loading, type FieldMessage } from '../../../shared/form';
import { parseDecimal } from '../../../shared/numbers';
import { useResource } from '../../../shared/use-resource';
import { loadDeviceModel } from '../../directory/load';
import { rememberedChecklist } from './checklists';
import type { StepBody } from './commands';
import { knownChecklist, type Step } from './gates';

export interface StepFormProps {
  good: Good;
  passport: Passport;
  workstation: Workstation;
  busy: boolean;
  /** The messages for a field, the gateway's and the console's own. */
  errorsAt: (path: string) => FieldMessage[];
  /** Sends the step; `checks` are the console's own, by path, when the form is not complete. */
  onSubmit: (command: StepBody) => void;
  onChecks: (checks: { path: string; text: string }[]) => void;
}

/** The form of one step of an aid's refurbishment. */
export function StepForm({ step, ...props }: StepFormProps & { step: Step }) {
  switch (step) {
    case 'triage':
      return <TriageForm {...props} />;
    case 'start':
      return <ConfirmForm {...props} command={{ step: 'start', body: {} }} text="step.startText" />;
    case 'checklist':
      return <ChecklistForm {...props} />;
    case 'quality-check':
      return <QualityCheckForm {...props} />;
    case 'disinfection':
      return <DisinfectionForm {...props} />;
    case 'certification':
      return <CertificationForm {...props} />;
    case 'release':
      return (
        <ConfirmForm {...props} command={{ step: 'release', body: {} }} text="step.releaseText" />
      );
  }
}

function Submit({ busy, label }: { busy: boolean; label: string }) {
  return (
    <button type="submit" className="button button--primary button--large" disabled={busy}>
      {label}
    </button>
  );
}

function ConfirmForm({
  busy,
  onSubmit,
  command,
  text,
}: StepFormProps & { command: StepBody; text: 'step.startText' | 'step.releaseText' }) {
  const { t } = useI18n();
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(command);
      }}
    >
      <p>{t(text)}</p>
      <Submit busy={busy} label={t(`step.submit.${command.step}`)} />
    </form>
  );
}

function TriageForm({ busy, errorsAt, onSubmit, onChecks }: StepFormProps) {
  const { t, language } = useI18n();
  const [decision, setDecision] = useState<'repairable' | 'parts-donor' | 'scrap' | ''>('');
  const [notes, setNotes] = useState('');
  const local = useLocalErrors(errorsAt, language);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!decision) return local.fail(onChecks, [{ path: 'decision', text: t('rule.choose') }]);
    local.clear();
    onSubmit({
      step: 'triage',
      body: { decision, ...(notes.trim() ? { notes: notes.trim() } : {}) },
    });
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <Choices path="decision" legend={t('step.decision')} errors={local.at('decision')}>
        {(['repairable', 'parts-donor', 'scrap'] as const).map((d) => (
          <label key={d} className="choice">
            <input
              type="radio"
              name="decision"
              value={d}
              checked={decision === d}
              onChange={() => setDecision(d)}
            />
            {t(`decision.${d}`)}
          </label>
        ))}
      </Choices>
      <Field path="notes" label={t('step.notes')} errors={local.at('notes')}>
        {(props) => (
          <textarea
            {...props}
            name="notes"
            rows={3}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        )}
      </Field>
      <Submit busy={busy} label={t('step.submit.triage')} />
    </form>
  );
}

function ChecklistForm({ good, passport, busy, errorsAt, onSubmit, onChecks }: StepFormProps) {
  const { t, language } = useI18n();
  const make = good.make ?? '';
  const model = good.model ?? '';
  // The model's checklist as the cluster certifies it now. Unknown to the cluster (404) or
  // out of reach (offline), the workshop's own memory of it, or the steps typed from the
  // manufacturer's instructions, stand in; the service checks them against the model.
  const registered = useResource(
    async () => (make && model ? (await loadDeviceModel(make, model)).checklist : null),
    [make, model],
  );
  const official = registered.status === 'ready' ? registered.data : null;
  const [typedSteps, setTypedSteps] = useState<string[]>(() => {
    const known = knownChecklist(passport);
    return known.length ? known : rememberedChecklist(make, model);
  });
  const steps = official?.length ? official : typedSteps;
  const [done, setDone] = useState<Set<string>>(new Set());
  const [typed, setTyped] = useState('');
  const local = useLocalErrors(errorsAt, language);

  function add() {
    const added = typed
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s && !steps.includes(s));
    if (added.length) setTypedSteps([...typedSteps, ...added]);
    setTyped('');
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!steps.length) return local.fail(onChecks, [{ path: 'steps', text: t('step.noSteps') }]);
    const missing = steps.filter((s) => !done.has(s));
    if (missing.length)
      return local.fail(onChecks, [
        { path: 'steps', text: t('rule.checklistIncomplete', { steps: missing.join(', ') }) },
      ]);
    local.clear();
    onSubmit({ step: 'checklist', body: { steps: steps.map((step) => ({ step, done: true })) } });
  }

  if (registered.status === 'loading') return <Loading />;
  return (
    <form className="form" onSubmit={submit} noValidate>
      {steps.length ? (
        <Choices
          path="steps"
          legend={t('step.checklistOf', { make, model })}
          errors={local.at('steps')}
        >
          {steps.map((step) => (
            <label key={step} className="choice choice--check">
              <input
                type="checkbox"
                name="steps"
                value={step}
                checked={done.has(step)}
                onChange={(e) => {
                  const next = new Set(done);
                  if (e.target.checked) next.add(step);
                  else next.delete(step);
                  setDone(next);
                }}
              />
              {step}
            </label>
          ))}
        </Choices>
      ) : (
        <p className="notice">{t('step.checklistUnknown', { make, model })}</p>
      )}
      {official?.length ? (
        <p className="hint">{t('step.checklistOfficial')}</p>
      ) : (
        <details className="more" open={!steps.length}>
          <summary>{t('step.addSteps')}</summary>
          <Field
            path="newSteps"
            label={t('step.newSteps')}
            hint={t('step.newStepsHint')}
            errors={local.at('newSteps')}
          >
            {(props) => (
              <textarea
                {...props}
                name="newSteps"
                rows={4}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
            )}
          </Field>
          <button type="button" className="button" onClick={add}>
            {t('step.addStepsButton')}
          </button>
        </details>
      )}
      <Submit busy={busy} label={t('step.submit.checklist')} />
    </form>
  );
}

function QualityCheckForm({ busy, errorsAt, onSubmit, onChecks }: StepFormProps) {
  const { t, language } = useI18n();
  const [passed, setPassed] = useState<boolean | null>(null);
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState('');
  const local = useLocalErrors(errorsAt, language);
  function submit(event: FormEvent) {
    event.preventDefault();
    const checks = [
      ...(passed === null ? [{ path: 'passed', text: t('rule.choose') }] : []),
      ...(passed === false && !reason.trim()
        ? [{ path: 'reason', text: t('rule.qualityReason') }]
        : []),
    ];
    if (checks.length) return local.fail(onChecks, checks);
    local.clear();
    onSubmit({
      step: 'quality-check',
      body: {
        passed: passed!,
        ...(passed === false ? { reason: reason.trim() } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      },
    });
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <Choices path="passed" legend={t('step.result')} errors={local.at('passed')}>
        <label className="choice">
          <input
            type="radio"
            name="passed"
            value="yes"
            checked={passed === true}
            onChange={() => setPassed(true)}
          />
          {t('step.passed')}
        </label>
        <label className="choice">
          <input
            type="radio"
            name="passed"
            value="no"
            checked={passed === false}
            onChange={() => setPassed(false)}
          />
          {t('step.failed')}
        </label>
      </Choices>
      {passed === false ? (
        <Field
          path="reason"
          label={t('step.reason')}
          hint={t('step.reasonHint')}
          errors={local.at('reason')}
          required
        >
          {(props) => (
            <textarea
              {...props}
              name="reason"
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
      ) : null}
      <Field path="notes" label={t('step.notes')} errors={local.at('notes')}>
        {(props) => (
          <textarea
            {...props}
            name="notes"
            rows={2}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        )}
      </Field>
      <Submit busy={busy} label={t('step.submit.quality-check')} />
    </form>
  );
}

/** Today in Paris, where the cluster dates its gates. */
function parisToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
}

const METHODS = ['steam', 'surface-disinfectant', 'wipe', 'nebulisation'] as const;

function DisinfectionForm({ workstation, busy, errorsAt, onSubmit, onChecks }: StepFormProps) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const [performedOn, setPerformedOn] = useState(parisToday);
  const [method, setMethod] = useState('');
  const [operatorId, setOperatorId] = useState(workstation.staffRef);
  const local = useLocalErrors(errorsAt, language);
  function submit(event: FormEvent) {
    event.preventDefault();
    const checks = [
      ...(/^\d{4}-\d{2}-\d{2}$/.test(performedOn)
        ? []
        : [{ path: 'performedOn', text: t('rule.day') }]),
      ...(method.trim() ? [] : [{ path: 'method', text: t('rule.required') }]),
      ...(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(operatorId.trim())
        ? []
        : [
            { path: 'operatorId', text: t(operatorId.trim() ? 'rule.opaqueRef' : 'rule.required') },
          ]),
    ];
    if (checks.length) return local.fail(onChecks, checks);
    local.clear();
    onSubmit({
      step: 'disinfection',
      body: { performedOn, method: method.trim(), operatorId: operatorId.trim() },
    });
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="grid">
        <Field
          path="performedOn"
          label={t('step.performedOn')}
          errors={local.at('performedOn')}
          required
        >
          {(props) => (
            <input
              {...props}
              type="date"
              name="performedOn"
              value={performedOn}
              max={parisToday()}
              onChange={(e) => setPerformedOn(e.target.value)}
            />
          )}
        </Field>
        <Field
          path="method"
          label={t('step.method')}
          hint={t('step.methodHint')}
          errors={local.at('method')}
          required
        >
          {(props) => (
            <input
              {...props}
              name="method"
              list="methods"
              autoComplete="off"
              value={method}
              onChange={(e) => setMethod(e.target.value)}
            />
          )}
        </Field>
        <datalist id="methods">
          {METHODS.map((m) => (
            <option key={m} value={t(`method.${m}`)} />
          ))}
        </datalist>
        <Field
          path="operatorId"
          label={t('step.operatorId')}
          hint={t('step.operatorIdHint')}
          errors={local.at('operatorId')}
          required
        >
          {(props) => (
            <input
              {...props}
              name="operatorId"
              autoComplete="off"
              spellCheck={false}
              value={operatorId}
              onChange={(e) => setOperatorId(e.target.value)}
            />
          )}
        </Field>
      </div>
      <Submit busy={busy} label={t('step.submit.disinfection')} />
    </form>
  );
}

function CertificationForm({ workstation, busy, errorsAt, onSubmit, onChecks }: StepFormProps) {
  const { t, language } = useI18n();
  const [certificateId, setCertificateId] = useState(workstation.certificateId);
  const [months, setMonths] = useState('');
  const [instructionsRef, setInstructionsRef] = useState(workstation.instructionsRef);
  const [manufacturedOn, setManufacturedOn] = useState('');
  const local = useLocalErrors(errorsAt, language);
  function submit(event: FormEvent) {
    event.preventDefault();
    const newUseMonths = parseDecimal(months);
    const checks = [
      ...(/^[0-9a-f-]{36}$/i.test(certificateId.trim())
        ? []
        : [
            {
              path: 'certificateId',
              text: t(certificateId.trim() ? 'rule.uuid' : 'rule.required'),
            },
          ]),
      ...(newUseMonths !== undefined &&
      Number.isInteger(newUseMonths) &&
      newUseMonths >= 1 &&
      newUseMonths <= 360
        ? []
        : [{ path: 'newUseMonths', text: t('step.monthsRule') }]),
      ...(instructionsRef.trim() ? [] : [{ path: 'instructionsRef', text: t('rule.required') }]),
    ];
    if (checks.length) return local.fail(onChecks, checks);
    local.clear();
    onSubmit({
      step: 'certification',
      body: {
        certificateId: certificateId.trim(),
        newUseMonths: newUseMonths!,
        instructionsRef: instructionsRef.trim(),
        ...(manufacturedOn ? { manufacturedOn } : {}),
      },
    });
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="grid">
        <Field
          path="certificateId"
          label={t('workstation.certificateId')}
          hint={t('workstation.certificateIdHint')}
          errors={local.at('certificateId')}
          required
        >
          {(props) => (
            <input
              {...props}
              name="certificateId"
              autoComplete="off"
              spellCheck={false}
              value={certificateId}
              onChange={(e) => setCertificateId(e.target.value)}
            />
          )}
        </Field>
        <Field
          path="newUseMonths"
          label={t('step.newUseMonths')}
          hint={t('step.newUseMonthsHint')}
          errors={local.at('newUseMonths')}
          required
        >
          {(props) => (
            <input
              {...props}
              name="newUseMonths"
              inputMode="numeric"
              autoComplete="off"
              value={months}
              onChange={(e) => setMonths(e.target.value)}
            />
          )}
        </Field>
        <Field
          path="instructionsRef"
          label={t('workstation.instructionsRef')}
          hint={t('workstation.instructionsRefHint')}
          errors={local.at('instructionsRef')}
          required
        >
          {(props) => (
            <input
              {...props}
              name="instructionsRef"
              autoComplete="off"
              value={instructionsRef}
              onChange={(e) => setInstructionsRef(e.target.value)}
            />
          )}
        </Field>
        <Field
          path="manufacturedOn"
          label={t('step.manufacturedOn')}
          hint={t('step.manufacturedOnHint')}
          errors={local.at('manufacturedOn')}
        >
          {(props) => (
            <input
              {...props}
              type="date"
              name="manufacturedOn"
              value={manufacturedOn}
              onChange={(e) => setManufacturedOn(e.target.value)}
            />
          )}
        </Field>
      </div>
      <Submit busy={busy} label={t('step.submit.certification')} />
    </form>
  );
}

/** The form's own checks beside the gateway's messages, each shown next to its field. */
function useLocalErrors(errorsAt: (path: string) => FieldMessage[], language: I18n['language']) {
  const [checks, setChecks] = useState<{ path: string; text: string }[]>([]);
  return {
    at: (path: string): FieldMessage[] => [
      ...checks.filter((c) => c.path === path).map((c) => ({ text: c.text, lang: language })),
      ...errorsAt(path),
    ],
    fail(report: StepFormProps['onChecks'], found: { path: string; text: string }[]) {
      setChecks(found);
      report(found);
    },
    clear() {
      setChecks([]);
    },
  };
}
