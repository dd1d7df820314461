import type { Organisation, Site } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Field, type FieldMessage } from '../../shared/form';

/** A site picked from a list of the member's sites, by name and locality (never a typed id). */
export function SiteSelect({
  path,
  label,
  hint,
  sites,
  value,
  onChange,
  errors = [],
  required = false,
  emptyLabel,
}: {
  path: string;
  label: string;
  hint?: string;
  sites: readonly Site[];
  /** What choosing no site means here (« tous vos sites »); « choose a site » otherwise. */
  emptyLabel?: string;
  value: string;
  onChange: (siteId: string) => void;
  errors?: FieldMessage[];
  required?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Field path={path} label={label} hint={hint} errors={errors} required={required}>
      {(props) => (
        <select {...props} name={path} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{emptyLabel ?? t('picker.chooseSite')}</option>
          {sites.map((site) => (
            <option key={site.id} value={site.id}>
              {t('picker.site', { name: site.name, locality: site.locality })}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One of a site's locations. */
export function LocationSelect({
  path,
  label,
  hint,
  site,
  value,
  onChange,
  errors = [],
  required = false,
}: {
  path: string;
  label: string;
  hint?: string;
  site: Site | undefined;
  value: string;
  onChange: (locationId: string) => void;
  errors?: FieldMessage[];
  required?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Field path={path} label={label} hint={hint} errors={errors} required={required}>
      {(props) => (
        <select
          {...props}
          name={path}
          value={value}
          disabled={!site}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">{site ? t('picker.chooseLocation') : t('picker.siteFirst')}</option>
          {site?.locations.map((location) => (
            <option key={location.id} value={location.id}>
              {location.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A member of the cluster, by name. */
export function MemberSelect({
  path,
  label,
  organisations,
  value,
  onChange,
  allLabel,
  errors = [],
  required = false,
}: {
  path: string;
  label: string;
  organisations: readonly Organisation[];
  value: string;
  onChange: (organisationId: string) => void;
  /** An option for every member, when choosing none means all. */
  allLabel?: string;
  errors?: FieldMessage[];
  required?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Field path={path} label={label} errors={errors} required={required}>
      {(props) => (
        <select {...props} name={path} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{allLabel ?? t('picker.choose')}</option>
          {[...organisations]
            .sort((a, b) => a.name.localeCompare(b.name, 'fr'))
            .map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
        </select>
      )}
    </Field>
  );
}
