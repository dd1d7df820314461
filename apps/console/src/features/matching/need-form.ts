import type { AidNeedBody, MaterialNeedBody, Unit } from '../../api/types';
import { Checks, type Check } from '../../shared/checks';
import { zonedInstant, zonedToday } from '../../shared/dates';
import { parseDecimal } from '../../shared/numbers';

export const URGENCIES = ['routine', 'soon', 'urgent'] as const;
export const AID_REASONS = ['hospital-discharge', 'home-care', 'replacement', 'other'] as const;
export type Urgency = (typeof URGENCIES)[number];
export type AidReason = (typeof AID_REASONS)[number];

/** Where a need is: a locality and its position, in decimal degrees as typed. */
export interface PlaceDraft {
  locality: string;
  latitude: string;
  longitude: string;
}

/**
 * A beneficiary's need for a medical aid, as typed by them or the social worker acting
 * for them. The person's name and contact are typed once, sent, and then read back only
 * as the API answers them.
 */
export interface AidNeedDraft extends PlaceDraft {
  isoClass: string;
  name: string;
  phone: string;
  email: string;
  seatWidthMin: string;
  seatDepthMin: string;
  userWeightKg: string;
  foldable: boolean;
  electric: boolean;
  notes: string;
  urgency: Urgency | '';
  reason: AidReason | '';
  /** The day it is needed by (a hospital discharge), `2026-12-01`. */
  neededBy: string;
  maxDistanceKm: string;
}

export function emptyAidNeed(): AidNeedDraft {
  return {
    isoClass: '',
    name: '',
    phone: '',
    email: '',
    seatWidthMin: '',
    seatDepthMin: '',
    userWeightKg: '',
    foldable: false,
    electric: false,
    notes: '',
    urgency: '',
    reason: '',
    neededBy: '',
    locality: '',
    latitude: '',
    longitude: '',
    maxDistanceKm: '30',
  };
}

/** A number within bounds, or nothing when left blank and not required. */
function bounded(
  checks: Checks,
  path: string,
  value: string,
  {
    min,
    max,
    whole = false,
    required = false,
  }: { min: number; max: number; whole?: boolean; required?: boolean },
): number | undefined {
  if (!value.trim()) return required ? checks.fail(path, 'rule.required') : undefined;
  const n = parseDecimal(value);
  if (n === undefined) return checks.fail(path, 'rule.number');
  if (whole && !Number.isInteger(n)) return checks.fail(path, 'rule.whole');
  if (n < min) return checks.fail(path, 'rule.min', { min });
  if (n > max) return checks.fail(path, 'rule.max', { max });
  return n;
}

/** The position typed, both degrees required: the search measures distance from it. */
export function positionOf(
  checks: Checks,
  prefix: string,
  draft: Pick<PlaceDraft, 'latitude' | 'longitude'>,
): { latitude: number; longitude: number } | undefined {
  const degrees = (path: string, value: string, max: number) => {
    if (!value.trim()) return checks.fail(path, 'rule.required');
    const n = parseDecimal(value);
    if (n === undefined) return checks.fail(path, 'rule.number');
    if (Math.abs(n) > max) return checks.fail(path, 'rule.degrees', { max });
    return n;
  };
  const latitude = degrees(`${prefix}.latitude`, draft.latitude, 90);
  const longitude = degrees(`${prefix}.longitude`, draft.longitude, 180);
  return latitude === undefined || longitude === undefined ? undefined : { latitude, longitude };
}

export function toAidNeedRequest(
  draft: AidNeedDraft,
  options: { forSomeoneElse: boolean; now?: number },
): { body: AidNeedBody } | { checks: Check[] } {
  const checks = new Checks();
  const isoClass = draft.isoClass || checks.fail('isoClass', 'rule.choose');
  let beneficiary: AidNeedBody['beneficiary'];
  if (options.forSomeoneElse) {
    const name = checks.text('beneficiary.name', draft.name);
    const phone = draft.phone.trim();
    const email = draft.email.trim();
    if (phone && !/^\+?[0-9 .()-]{6,24}$/.test(phone))
      checks.fail('beneficiary.contact.phone', 'rule.phone');
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      checks.fail('beneficiary.contact.email', 'rule.email');
    beneficiary = {
      name: name ?? '',
      ...(phone || email
        ? { contact: { ...(phone ? { phone } : {}), ...(email ? { email } : {}) } }
        : {}),
    };
  }
  const seatWidth = bounded(checks, 'constraints.seatWidthCm.min', draft.seatWidthMin, {
    min: 0,
    max: 1_000,
  });
  const seatDepth = bounded(checks, 'constraints.seatDepthCm.min', draft.seatDepthMin, {
    min: 0,
    max: 1_000,
  });
  const weight = bounded(checks, 'constraints.userWeightKg', draft.userWeightKg, {
    min: 1,
    max: 500,
    whole: true,
  });
  const notes = checks.text('health.notes', draft.notes, { required: false, max: 2_000 });
  const level = checks.choice('urgency.level', draft.urgency);
  let neededBy: string | undefined;
  if (draft.neededBy.trim()) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.neededBy) || !zonedInstant(`${draft.neededBy}T12:00`))
      checks.fail('urgency.neededBy', 'rule.day');
    else if (draft.neededBy < zonedToday(options.now))
      checks.fail('urgency.neededBy', 'rule.notPast');
    else neededBy = draft.neededBy;
  }
  const locality = checks.text('location.locality', draft.locality);
  const position = positionOf(checks, 'location.position', draft);
  const maxDistanceKm = bounded(checks, 'maxDistanceKm', draft.maxDistanceKm, {
    min: 0.1,
    max: 500,
  });

  if (!checks.ok) return { checks: checks.found };
  const constraints: AidNeedBody['constraints'] = {
    ...(seatWidth !== undefined ? { seatWidthCm: { min: seatWidth } } : {}),
    ...(seatDepth !== undefined ? { seatDepthCm: { min: seatDepth } } : {}),
    ...(weight !== undefined ? { userWeightKg: weight } : {}),
    ...(draft.foldable ? { foldable: true } : {}),
    ...(draft.electric ? { electric: true } : {}),
  };
  return {
    body: {
      kind: 'medical-aid',
      isoClass: isoClass!,
      ...(beneficiary ? { beneficiary } : {}),
      constraints,
      ...(notes ? { health: { notes } } : {}),
      urgency: {
        level: level!,
        ...(neededBy ? { neededBy } : {}),
        ...(draft.reason ? { reason: draft.reason } : {}),
      },
      location: { locality: locality!, position: position! },
      ...(maxDistanceKm !== undefined ? { maxDistanceKm } : {}),
    },
  };
}

/** An entry of a firm's wanted list: so much of a material, by a deadline, within an area. */
export interface WantedDraft extends PlaceDraft {
  materialFamily: string;
  quantity: string;
  unit: Unit;
  minConditionGrade: 'A' | 'B' | 'C' | 'D';
  /** On the Paris clock, `datetime-local`. */
  deadline: string;
  radiusKm: string;
}

export function emptyWanted(): WantedDraft {
  return {
    materialFamily: '',
    quantity: '',
    unit: 'm2',
    minConditionGrade: 'D',
    deadline: '',
    locality: '',
    latitude: '',
    longitude: '',
    radiusKm: '30',
  };
}

export function toWantedRequest(
  draft: WantedDraft,
  now = Date.now(),
): { body: MaterialNeedBody } | { checks: Check[] } {
  const checks = new Checks();
  const materialFamily = checks.text('materialFamily', draft.materialFamily, { max: 100 });
  const quantity = checks.quantity('quantity', draft.quantity, draft.unit);
  let deadline: string | undefined;
  if (!draft.deadline.trim()) checks.fail('deadline', 'rule.required');
  else {
    deadline = zonedInstant(draft.deadline.trim()) ?? checks.fail('deadline', 'rule.moment');
    if (deadline && Date.parse(deadline) <= now)
      deadline = checks.fail('deadline', 'rule.inFuture');
  }
  const locality = checks.text('area.locality', draft.locality);
  const position = positionOf(checks, 'area.position', draft);
  const radiusKm = bounded(checks, 'area.radiusKm', draft.radiusKm, {
    min: 0.1,
    max: 500,
    required: true,
  });
  if (!checks.ok) return { checks: checks.found };
  return {
    body: {
      kind: 'material',
      materialFamily: materialFamily!,
      quantity: quantity!,
      unit: draft.unit,
      minConditionGrade: draft.minConditionGrade,
      deadline: deadline!,
      area: { locality: locality!, position: position!, radiusKm: radiusKm! },
    },
  };
}
