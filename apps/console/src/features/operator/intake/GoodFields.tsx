import type { I18n } from '../../../i18n/i18n';
import { Choices, Field, type FieldMessage } from '../../../shared/form';
import { UNITS, type GoodDraft } from './intake-form';

/** The fields of one good of an intake, by its kind; `index` places it in the request's paths. */
export function GoodFields({
  good,
  index,
  i18n,
  errorsAt,
  onChange,
}: {
  good: GoodDraft;
  index: number;
  i18n: I18n;
  errorsAt: (path: string) => FieldMessage[];
  onChange: (good: GoodDraft) => void;
}) {
  const { t } = i18n;
  const at = (field: string) => `goods.${index}.${field}`;
  const text = (
    field: string,
    label: string,
    value: string,
    set: (value: string) => void,
    options: {
      required?: boolean;
      hint?: string;
      inputMode?: 'decimal' | 'numeric' | 'text';
      type?: string;
      autoComplete?: string;
      list?: string;
    } = {},
  ) => (
    <Field
      path={at(field)}
      label={label}
      hint={options.hint}
      errors={errorsAt(at(field))}
      required={options.required ?? false}
    >
      {(props) => (
        <input
          {...props}
          name={at(field)}
          type={options.type ?? 'text'}
          inputMode={options.inputMode}
          autoComplete={options.autoComplete ?? 'off'}
          list={options.list}
          value={value}
          onChange={(e) => set(e.target.value)}
        />
      )}
    </Field>
  );

  switch (good.kind) {
    case 'item':
      return (
        <div className="grid">
          {text(
            'serialNumber',
            t('intake.serialNumber'),
            good.serialNumber,
            (v) => onChange({ ...good, serialNumber: v }),
            { required: true },
          )}
          {text('make', t('intake.make'), good.make, (v) => onChange({ ...good, make: v }), {
            required: true,
          })}
          {text('model', t('intake.model'), good.model, (v) => onChange({ ...good, model: v }), {
            required: true,
          })}
          {text(
            'manufacturedOn',
            t('intake.manufacturedOn'),
            good.manufacturedOn,
            (v) => onChange({ ...good, manufacturedOn: v }),
            { type: 'date' },
          )}
          {text(
            'weightKg',
            t('intake.goodWeight'),
            good.weightKg,
            (v) => onChange({ ...good, weightKg: v }),
            { inputMode: 'decimal' },
          )}
          <details className="more">
            <summary>{t('intake.attributes')}</summary>
            <div className="grid">
              {text(
                'attributes.seatWidthCm',
                t('intake.seatWidthCm'),
                good.seatWidthCm,
                (v) => onChange({ ...good, seatWidthCm: v }),
                { inputMode: 'numeric' },
              )}
              {text(
                'attributes.maxUserWeightKg',
                t('intake.maxUserWeightKg'),
                good.maxUserWeightKg,
                (v) => onChange({ ...good, maxUserWeightKg: v }),
                { inputMode: 'numeric' },
              )}
              <label className="check">
                <input
                  type="checkbox"
                  checked={good.foldable}
                  onChange={(e) => onChange({ ...good, foldable: e.target.checked })}
                />
                {t('intake.foldable')}
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={good.electric}
                  onChange={(e) => onChange({ ...good, electric: e.target.checked })}
                />
                {t('intake.electric')}
              </label>
            </div>
          </details>
        </div>
      );
    case 'lot':
      return (
        <div className="grid">
          {text(
            'materialFamily',
            t('intake.materialFamily'),
            good.materialFamily,
            (v) => onChange({ ...good, materialFamily: v }),
            { required: true, hint: t('intake.materialFamilyHint') },
          )}
          {text(
            'quantity',
            t('intake.quantity'),
            good.quantity,
            (v) => onChange({ ...good, quantity: v }),
            { required: true, inputMode: 'decimal' },
          )}
          <Field path={at('unit')} label={t('intake.unit')} errors={errorsAt(at('unit'))} required>
            {(props) => (
              <select
                {...props}
                name={at('unit')}
                value={good.unit}
                onChange={(e) => onChange({ ...good, unit: e.target.value as typeof good.unit })}
              >
                {UNITS.map((unit) => (
                  <option key={unit} value={unit}>
                    {t(`unitName.${unit}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Choices
            path={at('conditionGrade')}
            legend={t('intake.conditionGrade')}
            errors={errorsAt(at('conditionGrade'))}
          >
            {(['A', 'B', 'C', 'D'] as const).map((grade) => (
              <label key={grade} className="choice choice--small">
                <input
                  type="radio"
                  name={at('conditionGrade')}
                  value={grade}
                  checked={good.conditionGrade === grade}
                  onChange={() => onChange({ ...good, conditionGrade: grade })}
                />
                {t(`grade.${grade}`)}
              </label>
            ))}
          </Choices>
          {text(
            'wasteCode',
            t('intake.wasteCode'),
            good.wasteCode,
            (v) => onChange({ ...good, wasteCode: v }),
            { required: true, hint: t('intake.wasteCodeHint'), inputMode: 'numeric' },
          )}
          {text('dimensions', t('intake.dimensions'), good.dimensions, (v) =>
            onChange({ ...good, dimensions: v }),
          )}
          {text(
            'weightKg',
            t('intake.goodWeight'),
            good.weightKg,
            (v) => onChange({ ...good, weightKg: v }),
            { inputMode: 'decimal' },
          )}
        </div>
      );
    case 'pool':
      return (
        <div className="grid">
          {text(
            'containerType',
            t('intake.containerType'),
            good.containerType,
            (v) => onChange({ ...good, containerType: v }),
            { required: true, hint: t('intake.containerTypeHint') },
          )}
          {text('count', t('intake.count'), good.count, (v) => onChange({ ...good, count: v }), {
            required: true,
            inputMode: 'numeric',
          })}
          {text(
            'depositCents',
            t('intake.depositCents'),
            good.depositCents,
            (v) => onChange({ ...good, depositCents: v }),
            { required: true, inputMode: 'numeric' },
          )}
          {text(
            'weightKg',
            t('intake.goodWeight'),
            good.weightKg,
            (v) => onChange({ ...good, weightKg: v }),
            { inputMode: 'decimal' },
          )}
        </div>
      );
    case 'bulk':
      return (
        <div className="grid">
          <Choices
            path={at('material')}
            legend={t('intake.material')}
            errors={errorsAt(at('material'))}
          >
            {(['cardboard', 'litter-bale'] as const).map((material) => (
              <label key={material} className="choice choice--small">
                <input
                  type="radio"
                  name={at('material')}
                  value={material}
                  checked={good.material === material}
                  onChange={() => onChange({ ...good, material })}
                />
                {t(`material.${material}`)}
              </label>
            ))}
          </Choices>
          {text(
            'weightKg',
            t('intake.bulkWeight'),
            good.weightKg,
            (v) => onChange({ ...good, weightKg: v }),
            { required: true, inputMode: 'decimal' },
          )}
        </div>
      );
  }
}
