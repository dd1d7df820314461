import type { DiversionRoute, OfferLotBody, Unit } from '../../../api/types';
import { Checks, lines, type Check } from '../../../shared/checks';
import { zonedInstant, zonedLocal } from '../../../shared/dates';

/**
 * A lot offered from a construction site, as typed: what it is, how much, for which
 * window of the works, and where what nobody takes goes. Moments are typed on the Paris
 * clock (`datetime-local`) and sent with their offset.
 */
export interface OfferDraft {
  siteId: string;
  locationId: string;
  materialFamily: string;
  quantity: string;
  unit: Unit;
  estimated: boolean;
  dimensions: string;
  conditionGrade: 'A' | 'B' | 'C' | 'D' | '';
  wasteCode: string;
  weightKg: string;
  availableFrom: string;
  mustBeGoneBy: string;
  route: DiversionRoute | '';
  facility: string;
  /** One reference a line: a photo kept in the firm's or the cluster's store. */
  photoRefs: string;
}

export const ROUTES: readonly DiversionRoute[] = ['recycling', 'energy-recovery', 'landfill'];
const MAX_PHOTOS = 50;

export function emptyOffer(now = Date.now()): OfferDraft {
  return {
    siteId: '',
    locationId: '',
    materialFamily: '',
    quantity: '',
    unit: 'm2',
    estimated: false,
    dimensions: '',
    conditionGrade: '',
    wasteCode: '',
    weightKg: '',
    availableFrom: zonedLocal(new Date(now).toISOString()),
    mustBeGoneBy: '',
    route: '',
    facility: '',
    photoRefs: '',
  };
}

/** The window's two moments, checked together: the end after the start, and still to come. */
export function windowOf(
  checks: Checks,
  draft: { availableFrom: string; mustBeGoneBy: string },
  now = Date.now(),
): { availableFrom: string; mustBeGoneBy: string } | undefined {
  const moment = (path: string, value: string) => {
    if (!value.trim()) return checks.fail(path, 'rule.required');
    return zonedInstant(value.trim()) ?? checks.fail(path, 'rule.moment');
  };
  const availableFrom = moment('availableFrom', draft.availableFrom);
  const mustBeGoneBy = moment('mustBeGoneBy', draft.mustBeGoneBy);
  if (!availableFrom || !mustBeGoneBy) return undefined;
  if (Date.parse(mustBeGoneBy) <= Date.parse(availableFrom))
    return checks.fail('mustBeGoneBy', 'rule.afterStart');
  if (Date.parse(mustBeGoneBy) <= now) return checks.fail('mustBeGoneBy', 'rule.inFuture');
  return { availableFrom, mustBeGoneBy };
}

export function toOfferRequest(
  draft: OfferDraft,
  now = Date.now(),
): { body: OfferLotBody } | { checks: Check[] } {
  const checks = new Checks();
  const siteId = draft.siteId || checks.fail('siteId', 'rule.choose');
  const locationId = draft.locationId || checks.fail('locationId', 'rule.choose');
  const materialFamily = checks.text('materialFamily', draft.materialFamily, { max: 100 });
  const quantity = checks.quantity('quantity', draft.quantity, draft.unit);
  const conditionGrade = checks.choice('conditionGrade', draft.conditionGrade);
  const wasteCode = checks.wasteCode('wasteCode', draft.wasteCode);
  const dimensions = checks.text('dimensions', draft.dimensions, { required: false });
  const weightKg = checks.weight('weightKg', draft.weightKg);
  const window = windowOf(checks, draft, now);
  const route = checks.choice('fallback.route', draft.route);
  const facility = checks.text('fallback.facility', draft.facility);
  const photoRefs = lines(draft.photoRefs);
  if (photoRefs.length > MAX_PHOTOS) checks.fail('photoRefs', 'rule.maxItems', { max: MAX_PHOTOS });
  else if (photoRefs.some((ref) => ref.length > 500))
    checks.fail('photoRefs', 'rule.maxLength', { max: 500 });

  if (!checks.ok) return { checks: checks.found };
  return {
    body: {
      siteId: siteId!,
      locationId: locationId!,
      materialFamily: materialFamily!,
      quantity: quantity!,
      unit: draft.unit,
      estimated: draft.estimated,
      conditionGrade: conditionGrade!,
      wasteCode: wasteCode!,
      ...(dimensions ? { dimensions } : {}),
      ...(weightKg !== undefined ? { weightKg } : {}),
      ...(photoRefs.length ? { photoRefs } : {}),
      availableFrom: window!.availableFrom,
      mustBeGoneBy: window!.mustBeGoneBy,
      fallback: { route: route!, facility: facility! },
    },
  };
}
