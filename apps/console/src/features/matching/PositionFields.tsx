import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { Field, type FieldMessage } from '../../shared/form';
import type { PlaceDraft } from './need-form';

/**
 * A place as a locality and its position in decimal degrees, typed or taken from the
 * device (with the person's consent, asked by the browser).
 */
export function PositionFields({
  prefix,
  value,
  onChange,
  labels,
  messages,
}: {
  /** `location` for a beneficiary's need, `area` for a wanted material. */
  prefix: string;
  value: PlaceDraft;
  onChange: (change: Partial<PlaceDraft>) => void;
  labels: Record<string, string>;
  messages: { at: (path: string) => FieldMessage[] };
}) {
  const { t } = useI18n();
  const [located, setLocated] = useState<'idle' | 'asking' | 'failed'>('idle');
  const input = (field: keyof PlaceDraft, path: string, inputMode?: 'decimal') => (
    <Field path={path} label={labels[path]} errors={messages.at(path)} required>
      {(props) => (
        <input
          {...props}
          name={path}
          type="text"
          inputMode={inputMode}
          autoComplete="off"
          value={value[field]}
          onChange={(e) => onChange({ [field]: e.target.value })}
        />
      )}
    </Field>
  );
  function locate() {
    if (!navigator.geolocation) return setLocated('failed');
    setLocated('asking');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocated('idle');
        onChange({
          latitude: p.coords.latitude.toFixed(5),
          longitude: p.coords.longitude.toFixed(5),
        });
      },
      () => setLocated('failed'),
      { timeout: 10_000 },
    );
  }
  return (
    <>
      {input('locality', `${prefix}.locality`)}
      <p className="hint">{t('place.positionHint')}</p>
      <div className="grid">
        {input('latitude', `${prefix}.position.latitude`, 'decimal')}
        {input('longitude', `${prefix}.position.longitude`, 'decimal')}
      </div>
      <p className="actions">
        <button type="button" className="button button--quiet" onClick={locate}>
          {t('place.useDevice')}
        </button>
        <span role="status">
          {located === 'asking'
            ? t('place.locating')
            : located === 'failed'
              ? t('place.notLocated')
              : ''}
        </span>
      </p>
    </>
  );
}
