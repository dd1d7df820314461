import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { idempotencyKey } from '../../api/client';
import { nameOf } from '../../api/messages';
import type { MissedReason, Round, RoundStop } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { flush, outbox, useOutbox, type Attachment } from '../../offline/outbox';
import { SENDERS } from '../../offline/senders';
import { useSession } from '../../session/session';
import type { Check } from '../../shared/checks';
import {
  Choices,
  ErrorSummary,
  Field,
  Loading,
  PageHeading,
  ProblemNotice,
} from '../../shared/form';
import { messagesOf } from '../../shared/messages-of';
import { useResource } from '../../shared/use-resource';
import { goodText, hourOf, loadText, windowText } from '../collection/format';
import { loadRound } from '../collection/load';
import { blobOf, dataUrlOf, referenceOf } from './proof';
import { keptRound, stateText, stopState } from './round-store';
import { SignaturePad } from './SignaturePad';
import {
  fromStop,
  MISSED_REASONS,
  toCollected,
  type CollectedDraft,
  type GoodDraft,
} from './stop-form';
import '../collection/collection.css';

const MAX_PHOTOS = 20;

interface Photo {
  ref: string;
  file: Blob;
  name: string;
  preview: string;
}

/**
 * One stop of the driver's round: what is expected there, then what the crew found,
 * collected (the load weighed and counted, the goods as they are, a photo and the
 * signature of whoever handed it over) or missed with the reason. The record is kept on
 * the phone with its Idempotency-Key and sent from there, now or when the network returns.
 */
export function StopPage() {
  const { roundId = '', pickupId = '' } = useParams();
  const session = useSession();
  const userId = session?.userId ?? '';
  const { t } = useI18n();
  // The round as kept on the phone opens at once, with or without network.
  const round = useResource(async () => {
    const kept = keptRound(userId, roundId);
    return kept ?? loadRound(roundId);
  }, [userId, roundId]);
  if (round.status === 'loading') return <Loading />;
  if (round.status === 'failed')
    return (
      <section>
        <PageHeading title={t('stop.title')}>{t('stop.title')}</PageHeading>
        <ProblemNotice problem={round.problem} />
        <Link to="/driver">{t('stop.back')}</Link>
      </section>
    );
  const stop = round.data.stops.find((s) => s.pickupId === pickupId);
  if (!stop)
    return (
      <section>
        <PageHeading title={t('stop.title')}>{t('stop.title')}</PageHeading>
        <p>{t('stop.notOnRound')}</p>
        <Link to="/driver">{t('stop.back')}</Link>
      </section>
    );
  return <StopView round={round.data} stop={stop} userId={userId} />;
}

function StopView({ round, stop, userId }: { round: Round; stop: RoundStop; userId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const entries = useOutbox().filter((e) => e.userId === userId);
  const state = stopState(round, stop, entries);
  const [outcome, setOutcome] = useState<'collected' | 'missed' | ''>('');
  const [draft, setDraft] = useState<CollectedDraft>(() => fromStop(stop));
  const [reason, setReason] = useState<MissedReason | ''>('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [signature, setSignature] = useState<string | null>(null);
  const [checks, setChecks] = useState<Check[]>([]);
  const [busy, setBusy] = useState(false);
  const back = `/driver?day=${round.day}`;
  const title = t('stop.titleN', { n: stop.sequence, address: stop.address });

  const labels: Record<string, string> = {
    outcome: t('stop.outcome'),
    'actual.kg': t('stop.kg'),
    'actual.m3': t('stop.m3'),
    'actual.crates': t('stop.crates'),
    'actual.items': t('stop.items'),
    reason: t('stop.reason'),
    photos: t('stop.photos'),
    ...Object.fromEntries(
      draft.goods.flatMap((good, i) =>
        goodFields(good).map((f) => [`goods.${i}.${f}`, t(`stop.good.${f}`)]),
      ),
    ),
  };
  const messages = messagesOf(checks, null, i18n, labels);

  async function addPhotos(files: FileList | null) {
    const chosen = [...(files ?? [])].slice(0, MAX_PHOTOS - photos.length);
    const added = await Promise.all(
      chosen.map(async (file) => ({
        ref: await referenceOf(file, 'photo'),
        file,
        name: file.name,
        preview: await dataUrlOf(file),
      })),
    );
    setPhotos((current) => [
      ...current,
      ...added.filter((p) => !current.some((c) => c.ref === p.ref)),
    ]);
  }

  async function record(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!outcome) return setChecks([{ path: 'outcome', rule: 'rule.choose' }]);
    setBusy(true);
    try {
      let saved: Parameters<typeof outbox.save>[0];
      const base = {
        key: idempotencyKey(),
        userId,
        about: { roundId: round.roundId, pickupId: stop.pickupId },
      };
      if (outcome === 'missed') {
        if (!reason) return setChecks([{ path: 'reason', rule: 'rule.choose' }]);
        saved = { ...base, kind: 'stop-missed', body: { reason } };
      } else {
        const signed = signature ? blobOf(signature) : null;
        const signatureRef = signed ? await referenceOf(signed, 'signature') : undefined;
        const request = toCollected(draft, {
          photoRefs: photos.map((p) => p.ref),
          ...(signatureRef ? { signatureRef } : {}),
        });
        if ('checks' in request) return setChecks(request.checks);
        const attachments: Attachment[] = [
          ...photos.map((p) => ({ ref: p.ref, role: 'photo' as const, blob: p.file })),
          ...(signed && signatureRef
            ? [{ ref: signatureRef, role: 'signature' as const, blob: signed }]
            : []),
        ];
        saved = { ...base, kind: 'stop-collected', body: request.body, attachments };
      }
      setChecks([]);
      await outbox.save(saved);
      if (navigator.onLine) void flush(userId, SENDERS).catch(() => undefined);
      void navigate(back, { state: { recorded: stop.pickupId } });
    } finally {
      setBusy(false);
    }
  }

  const setGood = (index: number, good: GoodDraft) =>
    setDraft({ ...draft, goods: draft.goods.map((g, i) => (i === index ? good : g)) });
  const input = (
    path: string,
    value: string,
    onChange: (value: string) => void,
    options: { inputMode?: 'decimal' | 'numeric'; required?: boolean; hint?: string } = {},
  ) => (
    <Field
      key={path}
      path={path}
      label={labels[path]}
      hint={options.hint}
      errors={messages.at(path)}
      required={options.required ?? true}
    >
      {(props) => (
        <input
          {...props}
          name={path}
          className="input--large"
          inputMode={options.inputMode}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );

  return (
    <section className="driver">
      <PageHeading title={title}>
        <span className="eyebrow">{t('stop.title')}</span> {stop.sequence} · {stop.address}
      </PageHeading>
      <Link to={back} className="back-link">
        {t('stop.back')}
      </Link>
      <dl className="facts">
        <dt>{t('stop.eta')}</dt>
        <dd>{hourOf(stop.eta)}</dd>
        <dt>{t('stop.windows')}</dt>
        <dd>{stop.windows.map((w) => windowText(w, i18n)).join(' ; ')}</dd>
        <dt>{t('stop.expected')}</dt>
        <dd>
          {stop.goods.map((g) => goodText(g, i18n)).join(' ; ')}
          <br />
          {loadText(stop.expectedLoad, i18n)}
        </dd>
        {stop.skills.length ? (
          <>
            <dt>{t('stop.skills')}</dt>
            <dd>{stop.skills.map((s) => nameOf('skill', s, i18n)).join(', ')}</dd>
          </>
        ) : null}
        <dt>{t('stop.state')}</dt>
        <dd>
          <span className="state">{stateText(state, i18n)}</span>
        </dd>
      </dl>

      {state.kind !== 'pending' ? (
        <p className="notice">{t('stop.alreadyRecorded')}</p>
      ) : (
        <form className="form" onSubmit={(e) => void record(e)} noValidate>
          <ErrorSummary title={t('form.problems')} items={messages.summary} />
          <Choices path="outcome" legend={labels['outcome']} errors={messages.at('outcome')}>
            {(['collected', 'missed'] as const).map((value) => (
              <label key={value} className="choice">
                <input
                  type="radio"
                  name="outcome"
                  value={value}
                  checked={outcome === value}
                  onChange={() => {
                    setOutcome(value);
                    setChecks([]);
                  }}
                />
                {t(`stop.outcome.${value}`)}
              </label>
            ))}
          </Choices>

          {outcome === 'collected' ? (
            <>
              <fieldset className="group">
                <legend>{t('stop.load')}</legend>
                <p className="hint">{t('stop.loadHint')}</p>
                <div className="grid">
                  {input('actual.kg', draft.kg, (kg) => setDraft({ ...draft, kg }), {
                    inputMode: 'decimal',
                  })}
                  {input('actual.m3', draft.m3, (m3) => setDraft({ ...draft, m3 }), {
                    inputMode: 'decimal',
                    required: false,
                  })}
                  {input(
                    'actual.crates',
                    draft.crates,
                    (crates) => setDraft({ ...draft, crates }),
                    {
                      inputMode: 'numeric',
                      required: false,
                    },
                  )}
                  {input('actual.items', draft.items, (items) => setDraft({ ...draft, items }), {
                    inputMode: 'numeric',
                    required: false,
                  })}
                </div>
              </fieldset>
              <fieldset className="group">
                <legend>{t('stop.goods')}</legend>
                {draft.goods.map((good, index) => (
                  <GoodFields
                    key={index}
                    index={index}
                    good={good}
                    onChange={(g) => setGood(index, g)}
                    input={input}
                  />
                ))}
              </fieldset>
              <fieldset className="group">
                <legend>{t('stop.proof')}</legend>
                <Field path="photos" label={labels['photos']} hint={t('stop.photosHint')}>
                  {(props) => (
                    <input
                      {...props}
                      type="file"
                      accept="image/*"
                      capture="environment"
                      multiple
                      className="file-input"
                      onChange={(e) => void addPhotos(e.target.files)}
                    />
                  )}
                </Field>
                {photos.length ? (
                  <ul
                    className="photos"
                    aria-label={t('stop.photosTaken', { count: photos.length })}
                  >
                    {photos.map((photo) => (
                      <li key={photo.ref}>
                        <img src={photo.preview} alt={t('stop.photoAlt', { name: photo.name })} />
                        <code>{photo.ref}</code>
                        <button
                          type="button"
                          className="button button--quiet"
                          onClick={() => setPhotos(photos.filter((p) => p.ref !== photo.ref))}
                        >
                          {t('stop.removePhoto')}
                          <span className="visually-hidden"> : {photo.name}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : null}
                <SignaturePad onChange={setSignature} />
              </fieldset>
            </>
          ) : null}

          {outcome === 'missed' ? (
            <Choices path="reason" legend={labels['reason']} errors={messages.at('reason')}>
              {MISSED_REASONS.map((value) => (
                <label key={value} className="choice">
                  <input
                    type="radio"
                    name="reason"
                    value={value}
                    checked={reason === value}
                    onChange={() => setReason(value)}
                  />
                  {nameOf('missed', value, i18n)}
                </label>
              ))}
            </Choices>
          ) : null}

          <div className="submit-bar">
            <button
              type="submit"
              className="button button--primary button--large button--wide"
              disabled={busy}
            >
              {outcome === 'missed' ? t('stop.recordMissed') : t('stop.recordCollected')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

type GoodField = 'serialNumber' | 'make' | 'model' | 'quantity' | 'count' | 'weightKg';

function goodFields(good: GoodDraft): GoodField[] {
  switch (good.kind) {
    case 'item':
      return ['serialNumber', 'make', 'model'];
    case 'lot':
      return ['quantity'];
    case 'pool':
      return ['count'];
    case 'bulk':
      return ['weightKg'];
  }
}

function GoodFields({
  index,
  good,
  onChange,
  input,
}: {
  index: number;
  good: GoodDraft;
  onChange: (good: GoodDraft) => void;
  input: (
    path: string,
    value: string,
    onChange: (value: string) => void,
    options?: { inputMode?: 'decimal' | 'numeric'; required?: boolean; hint?: string },
  ) => ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const at = (field: string) => `goods.${index}.${field}`;
  return (
    <fieldset className="good">
      <legend>
        {t('stop.goodN', { n: index + 1 })} · {nameOf('kind', good.kind, i18n)}
      </legend>
      <div className="grid">
        {good.kind === 'item' ? (
          <>
            {input(
              at('serialNumber'),
              good.serialNumber,
              (serialNumber) => onChange({ ...good, serialNumber }),
              {
                hint: t('stop.serialHint'),
              },
            )}
            {input(at('make'), good.make, (make) => onChange({ ...good, make }))}
            {input(at('model'), good.model, (model) => onChange({ ...good, model }))}
          </>
        ) : null}
        {good.kind === 'lot' ? (
          <>
            <p>
              {good.materialFamily} · {good.wasteCode}
            </p>
            {input(at('quantity'), good.quantity, (quantity) => onChange({ ...good, quantity }), {
              inputMode: 'decimal',
              hint: nameOf('unit', good.unit, i18n),
            })}
          </>
        ) : null}
        {good.kind === 'pool' ? (
          <>
            <p>{good.containerType}</p>
            {input(at('count'), good.count, (count) => onChange({ ...good, count }), {
              inputMode: 'numeric',
            })}
          </>
        ) : null}
        {good.kind === 'bulk'
          ? input(at('weightKg'), good.weightKg, (weightKg) => onChange({ ...good, weightKg }), {
              inputMode: 'decimal',
            })
          : null}
      </div>
    </fieldset>
  );
}
