import type { CollectionMode, IntakeBody, IntakeGood, Unit } from '../../../api/types';
import type { MessageKey } from '../../../i18n/fr';
import { parseDecimal, quantityText, toTheGram } from '../../../shared/numbers';

/**
 * The intake form as typed (text, as people type it at a French counter), and the
 * request it becomes. Its checks name fields by the API's paths, so a refusal of the
 * gateway and a check of the console show in the same place.
 */
export interface ItemDraft {
  kind: 'item';
  serialNumber: string;
  make: string;
  model: string;
  manufacturedOn: string;
  weightKg: string;
  seatWidthCm: string;
  maxUserWeightKg: string;
  foldable: boolean;
  electric: boolean;
}
export interface LotDraft {
  kind: 'lot';
  materialFamily: string;
  quantity: string;
  unit: Unit;
  conditionGrade: 'A' | 'B' | 'C' | 'D';
  wasteCode: string;
  dimensions: string;
  weightKg: string;
}
export interface PoolDraft {
  kind: 'pool';
  containerType: string;
  count: string;
  depositCents: string;
  weightKg: string;
}
export interface BulkDraft {
  kind: 'bulk';
  material: 'cardboard' | 'litter-bale';
  weightKg: string;
}
export type GoodDraft = (ItemDraft | LotDraft | PoolDraft | BulkDraft) & { uid: string };

export interface IntakeDraft {
  grossWeightKg: string;
  tareKg: string;
  locality: string;
  donorRef: string;
  collectionMode: CollectionMode | '';
  goods: GoodDraft[];
}

export const COLLECTION_MODES: readonly CollectionMode[] = [
  'drop-off',
  'pickup',
  'construction-site',
  'shop',
];
export { UNITS } from '../../goods/states';

let uids = 0;
export function newGood(kind: GoodDraft['kind']): GoodDraft {
  const uid = `g${++uids}`;
  switch (kind) {
    case 'item':
      return {
        uid,
        kind,
        serialNumber: '',
        make: '',
        model: '',
        manufacturedOn: '',
        weightKg: '',
        seatWidthCm: '',
        maxUserWeightKg: '',
        foldable: false,
        electric: false,
      };
    case 'lot':
      return {
        uid,
        kind,
        materialFamily: '',
        quantity: '',
        unit: 'unit',
        conditionGrade: 'B',
        wasteCode: '',
        dimensions: '',
        weightKg: '',
      };
    case 'pool':
      return { uid, kind, containerType: '', count: '', depositCents: '0', weightKg: '' };
    case 'bulk':
      return { uid, kind, material: 'cardboard', weightKg: '' };
  }
}

export function emptyIntake(previous?: IntakeDraft): IntakeDraft {
  return {
    grossWeightKg: '',
    tareKg: '0',
    locality: previous?.locality ?? '',
    donorRef: '',
    // The next person at the counter most often came the same way.
    collectionMode: previous?.collectionMode ?? '',
    goods: [newGood(previous?.goods[0]?.kind ?? 'item')],
  };
}

export interface Check {
  path: string;
  rule: MessageKey;
  params?: Record<string, string | number>;
}

const WASTE_CODE = /^\d{2} \d{2} \d{2}$/;
const OPAQUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The net weight, when both weights read as numbers. */
export function netOf(draft: IntakeDraft): number | undefined {
  const gross = parseDecimal(draft.grossWeightKg);
  const tare = parseDecimal(draft.tareKg || '0');
  return gross === undefined || tare === undefined ? undefined : toTheGram(gross - tare);
}

/** The request, or what stops it, each named by its field's API path. */
export function toRequest(
  draft: IntakeDraft,
  place: { siteId: string; locationId: string },
): { body: IntakeBody } | { checks: Check[] } {
  const checks: Check[] = [];
  const weight = (path: string, text: string, required: boolean): number | undefined => {
    if (!text.trim()) {
      if (required) checks.push({ path, rule: 'rule.required' });
      return undefined;
    }
    const kg = parseDecimal(text);
    if (kg === undefined) checks.push({ path, rule: 'rule.number' });
    else if (kg < 0.001) checks.push({ path, rule: 'rule.atLeastAGram' });
    else if (Math.abs(kg * 1000 - Math.round(kg * 1000)) > 1e-6)
      checks.push({ path, rule: 'rule.toTheGram' });
    else return kg;
    return undefined;
  };
  const required = (path: string, text: string) => {
    if (!text.trim()) checks.push({ path, rule: 'rule.required' });
    return text.trim();
  };
  const whole = (path: string, text: string, min: number) => {
    const n = parseDecimal(text);
    if (!text.trim()) checks.push({ path, rule: 'rule.required' });
    else if (n === undefined || !Number.isInteger(n)) checks.push({ path, rule: 'rule.whole' });
    else if (n < min) checks.push({ path, rule: 'rule.min', params: { min } });
    else return n;
    return 0;
  };

  if (!place.siteId) checks.push({ path: 'siteId', rule: 'intake.noWorkstation' });
  else if (!place.locationId) checks.push({ path: 'locationId', rule: 'intake.noWorkstation' });
  const gross = weight('grossWeightKg', draft.grossWeightKg, true);
  const tareText = draft.tareKg.trim() || '0';
  const tare = parseDecimal(tareText);
  if (tare === undefined) checks.push({ path: 'tareKg', rule: 'rule.number' });
  else if (tare < 0) checks.push({ path: 'tareKg', rule: 'rule.min', params: { min: 0 } });
  else if (gross !== undefined && tare >= gross)
    checks.push({ path: 'tareKg', rule: 'rule.tareBelowGross' });
  const locality = required('provenance.locality', draft.locality);
  const donorRef = draft.donorRef.trim();
  if (donorRef && !OPAQUE.test(donorRef))
    checks.push({ path: 'provenance.donorRef', rule: 'rule.opaqueRef' });
  if (!draft.collectionMode) checks.push({ path: 'collectionMode', rule: 'rule.choose' });
  if (draft.goods.length === 0) checks.push({ path: 'goods', rule: 'intake.noGoods' });

  const goods = draft.goods.map((good, index): IntakeGood => {
    const at = (field: string) => `goods.${index}.${field}`;
    const weightKg = weight(at('weightKg'), good.weightKg, good.kind === 'bulk');
    const withWeight = weightKg === undefined ? {} : { weightKg };
    switch (good.kind) {
      case 'item': {
        const manufacturedOn = good.manufacturedOn.trim();
        if (manufacturedOn && !DAY.test(manufacturedOn))
          checks.push({ path: at('manufacturedOn'), rule: 'rule.day' });
        const attributes: NonNullable<Extract<IntakeGood, { kind: 'item' }>['attributes']> = {};
        if (good.seatWidthCm.trim())
          attributes.seatWidthCm = whole(at('attributes.seatWidthCm'), good.seatWidthCm, 1);
        if (good.maxUserWeightKg.trim())
          attributes.maxUserWeightKg = whole(
            at('attributes.maxUserWeightKg'),
            good.maxUserWeightKg,
            1,
          );
        if (good.foldable) attributes.foldable = true;
        if (good.electric) attributes.electric = true;
        return {
          kind: 'item',
          serialNumber: required(at('serialNumber'), good.serialNumber),
          make: required(at('make'), good.make),
          model: required(at('model'), good.model),
          ...(manufacturedOn ? { manufacturedOn } : {}),
          ...(Object.keys(attributes).length ? { attributes } : {}),
          ...withWeight,
        };
      }
      case 'lot': {
        const quantity = quantityText(good.quantity);
        if (!good.quantity.trim()) checks.push({ path: at('quantity'), rule: 'rule.required' });
        else if (!quantity) checks.push({ path: at('quantity'), rule: 'rule.quantity' });
        else if (good.unit === 'unit' && !/^\d+(\.0{1,3})?$/.test(quantity))
          checks.push({ path: at('quantity'), rule: 'rule.wholeUnits' });
        const wasteCode = good.wasteCode.trim().replace(/\s+/g, ' ');
        if (!wasteCode) checks.push({ path: at('wasteCode'), rule: 'rule.required' });
        else if (wasteCode.endsWith('*'))
          checks.push({ path: at('wasteCode'), rule: 'rule.hazardousCode' });
        else if (!WASTE_CODE.test(wasteCode))
          checks.push({ path: at('wasteCode'), rule: 'rule.wasteCode' });
        const dimensions = good.dimensions.trim();
        return {
          kind: 'lot',
          materialFamily: required(at('materialFamily'), good.materialFamily),
          quantity: quantity ?? good.quantity,
          unit: good.unit,
          conditionGrade: good.conditionGrade,
          wasteCode,
          ...(dimensions ? { dimensions } : {}),
          ...withWeight,
        };
      }
      case 'pool':
        return {
          kind: 'pool',
          containerType: required(at('containerType'), good.containerType),
          count: whole(at('count'), good.count, 1),
          depositCents: whole(at('depositCents'), good.depositCents || '0', 0),
          ...withWeight,
        };
      case 'bulk':
        return { kind: 'bulk', material: good.material, weightKg: weightKg ?? 0 };
    }
  });

  if (checks.length) return { checks };
  return {
    body: {
      siteId: place.siteId,
      locationId: place.locationId,
      grossWeightKg: gross!,
      tareKg: tare!,
      provenance: { locality, ...(donorRef ? { donorRef } : {}) },
      collectionMode: draft.collectionMode as CollectionMode,
      goods,
    },
  };
}

/** Back from a request to the form, to correct an entry the gateway refused. */
export function fromRequest(body: IntakeBody): IntakeDraft {
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    grossWeightKg: text(body.grossWeightKg),
    tareKg: text(body.tareKg),
    locality: body.provenance.locality,
    donorRef: body.provenance.donorRef ?? '',
    collectionMode: body.collectionMode,
    goods: body.goods.map((good) => {
      const draft = newGood(good.kind);
      switch (good.kind) {
        case 'item':
          return {
            ...(draft as ItemDraft & { uid: string }),
            serialNumber: good.serialNumber,
            make: good.make,
            model: good.model,
            manufacturedOn: good.manufacturedOn ?? '',
            weightKg: text(good.weightKg),
            seatWidthCm: text(good.attributes?.seatWidthCm),
            maxUserWeightKg: text(good.attributes?.maxUserWeightKg),
            foldable: good.attributes?.foldable ?? false,
            electric: good.attributes?.electric ?? false,
          };
        case 'lot':
          return {
            ...(draft as LotDraft & { uid: string }),
            materialFamily: good.materialFamily,
            quantity: good.quantity,
            unit: good.unit,
            conditionGrade: good.conditionGrade,
            wasteCode: good.wasteCode,
            dimensions: good.dimensions ?? '',
            weightKg: text(good.weightKg),
          };
        case 'pool':
          return {
            ...(draft as PoolDraft & { uid: string }),
            containerType: good.containerType,
            count: String(good.count),
            depositCents: String(good.depositCents),
            weightKg: text(good.weightKg),
          };
        case 'bulk':
          return {
            ...(draft as BulkDraft & { uid: string }),
            material: good.material,
            weightKg: text(good.weightKg),
          };
      }
    }),
  };
}
