import { useState, type FormEvent } from 'react';
import type { Site } from '../api/types';
import { bySiteName, loadCertificates, loadSites } from '../features/directory/load';
import { LocationSelect, SiteSelect } from '../features/directory/pickers';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/fr';
import {
  ErrorSummary,
  Field,
  Loading,
  PageHeading,
  ProblemNotice,
  type SummaryItem,
} from '../shared/form';
import { useResource } from '../shared/use-resource';
import { useSession } from './session';
import { workstationStore, useWorkstation, type Workstation } from './workstation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPAQUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

interface TypedField {
  name: keyof Workstation;
  label: MessageKey;
  hint: MessageKey;
  rule: RegExp;
  ruleText: MessageKey;
}

/** Typed by hand only when the directory cannot be read (no network at the first set-up). */
const ID_FIELDS: Record<'siteId' | 'locationId' | 'certificateId', TypedField> = {
  siteId: {
    name: 'siteId',
    label: 'workstation.siteId',
    hint: 'workstation.siteIdHint',
    rule: UUID,
    ruleText: 'rule.uuid',
  },
  locationId: {
    name: 'locationId',
    label: 'workstation.locationId',
    hint: 'workstation.locationIdHint',
    rule: UUID,
    ruleText: 'rule.uuid',
  },
  certificateId: {
    name: 'certificateId',
    label: 'workstation.certificateId',
    hint: 'workstation.certificateIdHint',
    rule: UUID,
    ruleText: 'rule.uuid',
  },
};
const WORKSHOP_FIELDS: TypedField[] = [
  {
    name: 'staffRef',
    label: 'workstation.staffRef',
    hint: 'workstation.staffRefHint',
    rule: OPAQUE,
    ruleText: 'rule.opaqueRef',
  },
  {
    name: 'instructionsRef',
    label: 'workstation.instructionsRef',
    hint: 'workstation.instructionsRefHint',
    rule: /^.{1,500}$/,
    ruleText: 'rule.maxLength',
  },
];

/**
 * Where this device is used, given once: the counter's site and location, the workshop's
 * centre certificate, each picked from the member's own (the directory the gateway
 * answers), and who works at it. Kept on the device.
 */
export function WorkstationPage() {
  const i18n = useI18n();
  const { t, language } = i18n;
  const session = useSession();
  const saved = useWorkstation();
  const [draft, setDraft] = useState<Workstation>(saved);
  const [errors, setErrors] = useState<SummaryItem[]>([]);
  const [done, setDone] = useState(false);
  const workshop = session?.role === 'refurbisher';
  const sites = useResource(async () => (await loadSites()).sort(bySiteName), []);
  const certificates = useResource(
    async () => (draft.siteId && UUID.test(draft.siteId) ? loadCertificates(draft.siteId) : []),
    [draft.siteId],
  );
  // Without the directory (offline at the first set-up), ids are typed as the coordinator gave them.
  const typed = sites.status === 'failed';
  const site: Site | undefined =
    sites.status === 'ready' ? sites.data.find((s) => s.id === draft.siteId) : undefined;

  const change = (next: Partial<Workstation>) => {
    setDone(false);
    setDraft({ ...draft, ...next });
  };
  const errorsOf = (name: keyof Workstation) =>
    errors.filter((e) => e.path === name).map((e) => e.message);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: SummaryItem[] = [];
    const fields = [...(typed ? Object.values(ID_FIELDS) : []), ...WORKSHOP_FIELDS];
    for (const field of fields) {
      const value = draft[field.name].trim();
      if (value && !field.rule.test(value))
        found.push({
          path: field.name,
          label: t(field.label),
          message: { text: t(field.ruleText, { max: 500 }), lang: language },
        });
    }
    if (
      !typed &&
      draft.locationId &&
      site &&
      !site.locations.some((l) => l.id === draft.locationId)
    )
      found.push({
        path: 'locationId',
        label: t('workstation.location'),
        message: { text: t('rule.choose'), lang: language },
      });
    setErrors(found);
    if (found.length) return setDone(false);
    const trimmed: Partial<Workstation> = {};
    for (const name of Object.keys(draft) as (keyof Workstation)[])
      trimmed[name] = draft[name].trim();
    workstationStore.set(trimmed);
    setDone(true);
  }

  const typedField = (field: TypedField) => (
    <Field
      key={field.name}
      path={field.name}
      label={t(field.label)}
      hint={t(field.hint)}
      errors={errorsOf(field.name)}
    >
      {(props) => (
        <input
          {...props}
          name={field.name}
          autoComplete="off"
          spellCheck={false}
          value={draft[field.name]}
          onChange={(e) => change({ [field.name]: e.target.value })}
        />
      )}
    </Field>
  );

  const sitePart = (
    <fieldset key="site" className="group">
      <legend>{t('workstation.sitePart')}</legend>
      {typed ? (
        typedField(ID_FIELDS.siteId)
      ) : (
        <SiteSelect
          path="siteId"
          label={t('workstation.site')}
          hint={t('workstation.siteHint')}
          sites={sites.status === 'ready' ? sites.data : []}
          value={draft.siteId}
          errors={errorsOf('siteId')}
          onChange={(siteId) => change({ siteId, locationId: '', certificateId: '' })}
        />
      )}
    </fieldset>
  );
  const counter = (
    <fieldset key="counter" className="group">
      <legend>{t('workstation.counter')}</legend>
      {typed ? (
        typedField(ID_FIELDS.locationId)
      ) : (
        <LocationSelect
          path="locationId"
          label={t('workstation.location')}
          hint={t('workstation.locationIdHint')}
          site={site}
          value={draft.locationId}
          errors={errorsOf('locationId')}
          onChange={(locationId) => change({ locationId })}
        />
      )}
    </fieldset>
  );
  const valid = certificates.status === 'ready' ? certificates.data.filter((c) => c.valid) : [];
  const certificate = typed ? (
    typedField(ID_FIELDS.certificateId)
  ) : (
    <Field
      key="certificateId"
      path="certificateId"
      label={t('workstation.certificate')}
      hint={t('workstation.certificateIdHint')}
      errors={errorsOf('certificateId')}
    >
      {(props) => (
        <select
          {...props}
          name="certificateId"
          value={draft.certificateId}
          disabled={!draft.siteId}
          onChange={(e) => change({ certificateId: e.target.value })}
        >
          <option value="">
            {draft.siteId
              ? t(valid.length ? 'workstation.chooseCertificate' : 'workstation.noCertificate')
              : t('picker.siteFirst')}
          </option>
          {valid.map((c) => (
            <option key={c.id} value={c.id}>
              {t('workstation.certificateOption', {
                reference: c.reference,
                until: i18n.day(c.validUntil),
              })}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const workshopPart = (
    <fieldset key="workshop" className="group">
      <legend>{t('workstation.workshop')}</legend>
      {certificate}
      {WORKSHOP_FIELDS.map(typedField)}
    </fieldset>
  );

  return (
    <section>
      <PageHeading title={t('workstation.title')}>{t('workstation.title')}</PageHeading>
      <p>{t('workstation.intro')}</p>
      {sites.status === 'loading' ? <Loading /> : null}
      {typed ? (
        <ProblemNotice problem={sites.problem}>
          <p>{t('workstation.typeIds')}</p>
        </ProblemNotice>
      ) : null}
      <ErrorSummary title={t('form.problems')} items={errors} />
      <form onSubmit={submit} noValidate className="form">
        {workshop ? [sitePart, workshopPart, counter] : [sitePart, counter, workshopPart]}
        <button type="submit" className="button button--primary">
          {t('workstation.save')}
        </button>
        <p role="status" className="saved">
          {done ? t('workstation.saved') : ''}
        </p>
      </form>
    </section>
  );
}
