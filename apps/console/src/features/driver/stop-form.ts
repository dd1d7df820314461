import type { CollectedBody, CollectedGood, MissedReason, RoundStop, Unit } from '../../api/types';
import { Checks, type Check } from '../../shared/checks';
import { parseDecimal } from '../../shared/numbers';

/**
 * What a driver records at a stop: what was loaded, weighed and counted per dimension, and
 * the goods as they really are (an aid's serial read off its plate, the lot's quantity
 * taken, the containers counted, the cardboard weighed), with the references of the photos
 * and the signature kept on the phone; or why the stop was missed.
 */
export type GoodDraft =
  | { kind: 'item'; make: string; model: string; serialNumber: string }
  | {
      kind: 'lot';
      materialFamily: string;
      quantity: string;
      unit: Unit;
      conditionGrade: 'A' | 'B' | 'C' | 'D';
      wasteCode: string;
    }
  | { kind: 'pool'; containerType: string; count: string; depositCents: number }
  | { kind: 'bulk'; weightKg: string };

export interface CollectedDraft {
  kg: string;
  m3: string;
  crates: string;
  items: string;
  goods: GoodDraft[];
}

export const MISSED_REASONS: readonly MissedReason[] = [
  'nobody-there',
  'no-access',
  'not-ready',
  'refused',
  'over-capacity',
  'vehicle-problem',
  'late',
  'other',
];

const text = (n: number) => String(n).replace('.', ',');

/** The stop's expected load and goods, for the driver to correct to what is there. */
export function fromStop(stop: RoundStop): CollectedDraft {
  return {
    kg: stop.expectedLoad.kg > 0 ? text(stop.expectedLoad.kg) : '',
    m3: text(stop.expectedLoad.m3),
    crates: String(stop.expectedLoad.crates),
    items: String(stop.expectedLoad.items),
    goods: stop.goods.map((good): GoodDraft => {
      switch (good.kind) {
        case 'item':
          return {
            kind: 'item',
            make: good.make,
            model: good.model,
            serialNumber: good.serialNumber ?? '',
          };
        case 'lot':
          return {
            kind: 'lot',
            materialFamily: good.materialFamily,
            quantity: good.quantity.replace('.', ','),
            unit: good.unit,
            conditionGrade: good.conditionGrade,
            wasteCode: good.wasteCode,
          };
        case 'pool':
          return {
            kind: 'pool',
            containerType: good.containerType,
            count: String(good.count),
            depositCents: good.depositCents,
          };
        case 'bulk':
          return { kind: 'bulk', weightKg: good.weightKg !== undefined ? text(good.weightKg) : '' };
      }
    }),
  };
}

function cubicMetres(checks: Checks, value: string): number | undefined {
  if (!value.trim()) return 0;
  const n = parseDecimal(value);
  if (n === undefined) return checks.fail('actual.m3', 'rule.number');
  if (n < 0) return checks.fail('actual.m3', 'rule.min', { min: 0 });
  if (n > 200) return checks.fail('actual.m3', 'rule.max', { max: 200 });
  if (Math.abs(n * 1000 - Math.round(n * 1000)) > 1e-6)
    return checks.fail('actual.m3', 'rule.threeDecimals');
  return n;
}

function count(checks: Checks, path: string, value: string, max: number): number | undefined {
  return value.trim() ? checks.whole(path, value, 0, max) : 0;
}

export function toCollected(
  draft: CollectedDraft,
  proof: { photoRefs: readonly string[]; signatureRef?: string },
  now = new Date(),
): { body: CollectedBody } | { checks: Check[] } {
  const checks = new Checks();
  const kg = checks.weight('actual.kg', draft.kg, { required: true });
  const m3 = cubicMetres(checks, draft.m3);
  const crates = count(checks, 'actual.crates', draft.crates, 10_000);
  const items = count(checks, 'actual.items', draft.items, 200);
  if (!draft.goods.length) checks.fail('goods', 'rule.minItems', { min: 1 });
  const goods = draft.goods.map((good, index): CollectedGood | undefined => {
    const at = (field: string) => `goods.${index}.${field}`;
    switch (good.kind) {
      case 'item': {
        const make = checks.text(at('make'), good.make, { max: 100 });
        const model = checks.text(at('model'), good.model, { max: 100 });
        const serialNumber = checks.text(at('serialNumber'), good.serialNumber, { max: 100 });
        return make && model && serialNumber
          ? { kind: 'item', make, model, serialNumber }
          : undefined;
      }
      case 'lot': {
        const quantity = checks.quantity(at('quantity'), good.quantity, good.unit);
        return quantity
          ? {
              kind: 'lot',
              materialFamily: good.materialFamily,
              quantity,
              unit: good.unit,
              conditionGrade: good.conditionGrade,
              wasteCode: good.wasteCode,
            }
          : undefined;
      }
      case 'pool': {
        const n = checks.whole(at('count'), good.count, 1, 1_000_000);
        return n !== undefined
          ? {
              kind: 'pool',
              containerType: good.containerType,
              count: n,
              depositCents: good.depositCents,
            }
          : undefined;
      }
      case 'bulk': {
        const weightKg = checks.weight(at('weightKg'), good.weightKg, { required: true });
        return weightKg !== undefined
          ? { kind: 'bulk', material: 'cardboard', weightKg }
          : undefined;
      }
    }
  });
  if (!checks.ok) return { checks: checks.found };
  return {
    body: {
      // The moment it was loaded, as the phone saw it: a record sent late says when.
      collectedAt: now.toISOString(),
      actual: { kg: kg!, m3: m3!, crates: crates!, items: items! },
      goods: goods as CollectedGood[],
      photoRefs: [...proof.photoRefs],
      ...(proof.signatureRef ? { signatureRef: proof.signatureRef } : {}),
    },
  };
}
