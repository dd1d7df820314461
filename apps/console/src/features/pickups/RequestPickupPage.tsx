import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, idempotencyKey, unwrap } from '../../api/client';
import { nameOf } from '../../api/messages';
import { ApiProblem, codeOf, type Problem } from '../../api/problem';
import type { Good, Site } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import type { Check } from '../../shared/checks';
import {
  ErrorSummary,
  Field,
  Loading,
  PageHeading,
  ProblemNotice,
  type FieldMessage,
} from '../../shared/form';
import { messagesOf } from '../../shared/messages-of';
import { useResource } from '../../shared/use-resource';
import { requestPickup } from '../collection/load';
import { loadSites } from '../directory/load';
import { SiteSelect } from '../directory/pickers';
import { lotDescription } from '../firm/lot/lot-description';
import { stillThere } from '../firm/lot/outcome';
import { loadGood } from '../goods/load';
import { storedDestination, storeDestination } from './destination';
import {
  emptyPickup,
  emptyWindow,
  fromLot,
  fromSite,
  MAX_WINDOWS,
  SKILLS,
  toPickupRequest,
  type LotToFetch,
  type PickupDraft,
  type RequesterKind,
  type WindowDraft,
} from './pickup-form';
import '../collection/collection.css';

/**
 * A shop asks for its full glass crates to be collected, a firm for one of its lots to be
 * fetched from its site before the lot must be gone. Both say where and when the crew may
 * come and where the load goes; the collection service plans it on a round.
 */
export function RequestPickupPage() {
  const session = useSession();
  const kind: RequesterKind = session?.role === 'firm' ? 'construction-site' : 'shop';
  const home = kind === 'shop' ? '/shop/pickups' : '/firm/pickups';
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const places = useResource(async () => {
    const sites = await loadSites();
    const lots = kind === 'construction-site' ? await loadLots() : [];
    return { sites, lots };
  }, [kind]);
  const [draft, setDraft] = useState<PickupDraft | null>(null);
  const [checks, setChecks] = useState<Check[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ json: string; key: string } | null>(null);

  if (places.status === 'loading') return <Loading />;
  if (places.status === 'failed')
    return (
      <section>
        <PageHeading title={t('request.title')}>{t('request.title')}</PageHeading>
        <ProblemNotice problem={places.problem} />
      </section>
    );
  const { sites, lots } = places.data;
  const ownSites = sites.filter((s) =>
    kind === 'shop' ? s.kind === 'partner-shop' : s.kind === 'construction-site',
  );
  // The first time: the lot named by the link it came from, the only site there is.
  const current: PickupDraft =
    draft ??
    initialDraft(
      kind,
      ownSites,
      sites,
      lots.find((l) => l.goodId === params.get('lot')),
    );
  const lot = lots.find((l) => l.goodId === current.lotId);

  const labels: Record<string, string> = {
    siteId: t('request.site'),
    lot: t('request.lot'),
    address: t('request.address'),
    locality: t('request.locality'),
    'position.latitude': t('request.latitude'),
    'position.longitude': t('request.longitude'),
    'expectedLoad.kg': t('request.kg'),
    'expectedLoad.m3': t('request.m3'),
    'expectedLoad.crates': t('request.crates'),
    'goods.0.containerType': t('request.containerType'),
    'goods.0.count': t('request.containers'),
    'goods.0.depositCents': t('request.depositCents'),
    'deliverTo.siteId': t('request.destinationSite'),
    'deliverTo.locationId': t('request.destinationLocation'),
    windows: t('request.windows'),
    ...Object.fromEntries(
      current.windows.flatMap((_, i) => [
        [`windows.${i}.day`, t('request.windowDay', { n: i + 1 })],
        [`windows.${i}.from`, t('request.windowFrom', { n: i + 1 })],
        [`windows.${i}.until`, t('request.windowUntil', { n: i + 1 })],
      ]),
    ),
  };
  const messages = messagesOf(checks, problem, i18n, labels);
  const set = (change: Partial<PickupDraft>) => setDraft({ ...current, ...change });
  const setWindow = (index: number, change: Partial<WindowDraft>) =>
    set({ windows: current.windows.map((w, i) => (i === index ? { ...w, ...change } : w)) });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    const request = toPickupRequest(kind, current, lot);
    if ('checks' in request) return setChecks(request.checks);
    setChecks([]);
    const json = JSON.stringify(request.body);
    const key = attempt.current?.json === json ? attempt.current.key : idempotencyKey();
    attempt.current = { json, key };
    setBusy(true);
    try {
      const { pickupId } = await requestPickup(request.body, key);
      storeDestination(request.body.deliverTo);
      void navigate(home, { state: { requested: pickupId } });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  }

  const text = (
    name: keyof PickupDraft,
    path: string,
    options: { required?: boolean; hint?: string; inputMode?: 'decimal' | 'numeric' } = {},
  ) => (
    <Field
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
          inputMode={options.inputMode}
          autoComplete="off"
          spellCheck={false}
          value={current[name] as string}
          onChange={(e) => set({ [name]: e.target.value })}
        />
      )}
    </Field>
  );

  return (
    <section>
      <PageHeading title={t('request.title')}>{t('request.title')}</PageHeading>
      <p>{t(kind === 'shop' ? 'request.introShop' : 'request.introFirm')}</p>
      {problem && codeOf(problem) !== 'validation' ? <ProblemNotice problem={problem} /> : null}
      <ErrorSummary title={t('form.problems')} items={messages.summary} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Group legend={t('request.where')}>
          {kind === 'shop' ? (
            <SiteSelect
              path="siteId"
              label={labels['siteId']!}
              sites={ownSites}
              value={current.siteId}
              onChange={(siteId) =>
                setDraft(
                  fromSite(
                    current,
                    sites.find((s) => s.id === siteId),
                  ),
                )
              }
              errors={messages.at('siteId')}
              required
            />
          ) : (
            <LotSelect
              lots={lots}
              value={current.lotId}
              errors={messages.at('lot')}
              label={labels['lot']!}
              onChange={(lotId) => {
                const chosen = lots.find((l) => l.goodId === lotId);
                setDraft(
                  fromSite(
                    fromLot(current, chosen),
                    sites.find((s) => s.id === chosen?.siteId),
                  ),
                );
              }}
            />
          )}
          <div className="grid">
            {text('address', 'address', { hint: t('request.addressHint') })}
            {text('locality', 'locality')}
            {text('latitude', 'position.latitude', {
              inputMode: 'decimal',
              hint: t('request.positionHint'),
            })}
            {text('longitude', 'position.longitude', { inputMode: 'decimal' })}
          </div>
        </Group>

        <Group legend={t('request.when')}>
          <p className="hint">
            {lot
              ? t('request.whenLot', { at: i18n.moment(lot.mustBeGoneBy) })
              : t('request.whenHint')}
          </p>
          {messages.at('windows').length ? (
            <p className="field__error" id="f-windows">
              {messages
                .at('windows')
                .map((m) => m.text)
                .join(' ')}
            </p>
          ) : null}
          {current.windows.map((w, index) => (
            <fieldset key={index} className="window">
              <legend>{t('request.window', { n: index + 1 })}</legend>
              <div className="grid">
                <Field
                  path={`windows.${index}.day`}
                  label={labels[`windows.${index}.day`]}
                  errors={messages.at(`windows.${index}.day`)}
                  required
                >
                  {(props) => (
                    <input
                      {...props}
                      type="date"
                      value={w.day}
                      onChange={(e) => setWindow(index, { day: e.target.value })}
                    />
                  )}
                </Field>
                {(['from', 'until'] as const).map((field) => (
                  <Field
                    key={field}
                    path={`windows.${index}.${field}`}
                    label={labels[`windows.${index}.${field}`]}
                    errors={messages.at(`windows.${index}.${field}`)}
                    required
                  >
                    {(props) => (
                      <input
                        {...props}
                        type="time"
                        value={w[field]}
                        onChange={(e) => setWindow(index, { [field]: e.target.value })}
                      />
                    )}
                  </Field>
                ))}
              </div>
              {current.windows.length > 1 ? (
                <button
                  type="button"
                  className="button button--quiet"
                  onClick={() => set({ windows: current.windows.filter((_, i) => i !== index) })}
                >
                  {t('request.removeWindow', { n: index + 1 })}
                </button>
              ) : null}
            </fieldset>
          ))}
          {current.windows.length < MAX_WINDOWS ? (
            <button
              type="button"
              className="button"
              onClick={() => set({ windows: [...current.windows, emptyWindow()] })}
            >
              {t('request.addWindow')}
            </button>
          ) : null}
        </Group>

        <Group legend={t('request.what')}>
          {kind === 'shop' ? (
            <div className="grid">
              {text('crates', 'expectedLoad.crates', { inputMode: 'numeric' })}
              {text('containerType', 'goods.0.containerType')}
              {text('containers', 'goods.0.count', {
                inputMode: 'numeric',
                hint: t('request.containersHint'),
              })}
              {text('depositCents', 'goods.0.depositCents', { inputMode: 'numeric' })}
            </div>
          ) : lot ? (
            <p>
              {t('request.lotWhat', {
                material: lot.materialFamily,
                quantity: `${i18n.number(Number(lot.quantity))} ${nameOf('unit', lot.unit, i18n)}`,
                code: lot.wasteCode,
              })}
            </p>
          ) : (
            <p className="hint">{t('request.lotFirst')}</p>
          )}
          <div className="grid">
            {text('kg', 'expectedLoad.kg', { inputMode: 'decimal', hint: t('request.kgHint') })}
            {text('m3', 'expectedLoad.m3', { inputMode: 'decimal', required: false })}
          </div>
          <fieldset className="choices">
            <legend>{t('request.skills')}</legend>
            <div className="choices__options">
              {SKILLS.map((skill) => (
                <label key={skill} className="choice choice--small">
                  <input
                    type="checkbox"
                    name="skills"
                    value={skill}
                    checked={current.skills.includes(skill)}
                    onChange={(e) =>
                      set({
                        skills: e.target.checked
                          ? [...current.skills, skill]
                          : current.skills.filter((s) => s !== skill),
                      })
                    }
                  />
                  {nameOf('skill', skill, i18n)}
                </label>
              ))}
            </div>
          </fieldset>
        </Group>

        <Group legend={t('request.destination')}>
          <p className="hint">{t('request.destinationHint')}</p>
          <div className="grid">
            {text('destinationSiteId', 'deliverTo.siteId')}
            {text('destinationLocationId', 'deliverTo.locationId')}
          </div>
        </Group>

        <div className="submit-bar">
          <button type="submit" className="button button--primary button--large" disabled={busy}>
            {busy ? t('intake.sending') : t('request.submit')}
          </button>
          <Link to={home}>{t('offer.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}

function initialDraft(
  kind: RequesterKind,
  ownSites: Site[],
  sites: Site[],
  lot: LotToFetch | undefined,
): PickupDraft {
  const empty = emptyPickup(kind, storedDestination());
  if (lot)
    return fromSite(
      fromLot(empty, lot),
      sites.find((s) => s.id === lot.siteId),
    );
  return ownSites.length === 1 ? fromSite(empty, ownSites[0]) : empty;
}

/** The firm's lots still on a site and not yet past their mustBeGoneBy. */
async function loadLots(now = Date.now()): Promise<LotToFetch[]> {
  const { data } = await unwrap(
    api.GET('/v1/goods', { params: { query: { kind: 'lot', limit: 50 } } }),
  );
  const goods = await Promise.all(data.goods.map(async (g) => (await loadGood(g.id)).good));
  return goods.flatMap((good) => {
    const lot = lotToFetch(good);
    return lot && Date.parse(lot.mustBeGoneBy) > now ? [lot] : [];
  });
}

function lotToFetch(good: Good): LotToFetch | undefined {
  const d = lotDescription(good);
  const milli = stillThere(good).reduce((n, b) => n + Math.round(b.quantity * 1000), 0);
  const grade = d.conditionGrade;
  if (
    !d.materialFamily ||
    !d.wasteCode ||
    !d.mustBeGoneBy ||
    milli <= 0 ||
    (grade !== 'A' && grade !== 'B' && grade !== 'C' && grade !== 'D')
  )
    return undefined;
  return {
    goodId: good.id,
    siteId: good.siteId,
    materialFamily: d.materialFamily,
    quantity: String(milli / 1000),
    unit: good.unit,
    conditionGrade: grade,
    wasteCode: d.wasteCode,
    mustBeGoneBy: d.mustBeGoneBy,
  };
}

function LotSelect({
  lots,
  value,
  label,
  errors,
  onChange,
}: {
  lots: LotToFetch[];
  value: string;
  label: string;
  errors: FieldMessage[];
  onChange: (lotId: string) => void;
}) {
  const i18n = useI18n();
  return (
    <Field path="lot" label={label} errors={errors} required>
      {(props) => (
        <select {...props} name="lot" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">
            {lots.length ? i18n.t('picker.choose') : i18n.t('request.noLot')}
          </option>
          {lots.map((lot) => (
            <option key={lot.goodId} value={lot.goodId}>
              {i18n.t('request.lotOption', {
                material: lot.materialFamily,
                at: i18n.moment(lot.mustBeGoneBy),
              })}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="group">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}
