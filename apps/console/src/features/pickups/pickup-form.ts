import type { CollectionSkill, RequestPickupBody, Site, Unit } from '../../api/types';
import { Checks, type Check } from '../../shared/checks';
import { nextDay, zonedInstant, zonedToday } from '../../shared/dates';
import { parseDecimal } from '../../shared/numbers';

/**
 * A pickup as a shop or a firm asks for it: where (one of its sites, the street address
 * the crew drives to), when the crew may come (windows on the Paris clock), what there is
 * and how much room it takes, what handling it needs, and where the load is taken.
 *
 * A shop's pickup is of its full glass crates; a firm's is of a lot it offered, whose
 * windows must all end by the lot's `mustBeGoneBy` (the works start then).
 */
export type RequesterKind = 'shop' | 'construction-site';

export interface WindowDraft {
  day: string;
  from: string;
  until: string;
}

export interface PickupDraft {
  siteId: string;
  address: string;
  locality: string;
  latitude: string;
  longitude: string;
  windows: WindowDraft[];
  /** Shop: its full crates, the containers in them and their deposit. */
  crates: string;
  containerType: string;
  containers: string;
  depositCents: string;
  /** Firm: the lot to fetch. */
  lotId: string;
  kg: string;
  m3: string;
  skills: CollectionSkill[];
  destinationSiteId: string;
  destinationLocationId: string;
}

/** A firm's lot as its offer described it, for its pickup. */
export interface LotToFetch {
  goodId: string;
  siteId: string;
  materialFamily: string;
  quantity: string;
  unit: Unit;
  conditionGrade: 'A' | 'B' | 'C' | 'D';
  wasteCode: string;
  mustBeGoneBy: string;
}

export const SKILLS: readonly CollectionSkill[] = [
  'two-person',
  'tail-lift',
  'pallet-jack',
  'heavy-licence',
];
export const MAX_WINDOWS = 10;

export function emptyWindow(now = Date.now()): WindowDraft {
  return { day: nextDay(zonedToday(now)), from: '08:00', until: '12:00' };
}

export function emptyPickup(
  kind: RequesterKind,
  destination: { siteId: string; locationId: string } = { siteId: '', locationId: '' },
  now = Date.now(),
): PickupDraft {
  return {
    siteId: '',
    address: '',
    locality: '',
    latitude: '',
    longitude: '',
    windows: [emptyWindow(now)],
    crates: '',
    containerType: kind === 'shop' ? 'Bouteille 75 cl' : '',
    containers: '',
    depositCents: kind === 'shop' ? '20' : '',
    lotId: '',
    kg: '',
    m3: '',
    skills: [],
    destinationSiteId: destination.siteId,
    destinationLocationId: destination.locationId,
  };
}

/** The site's locality and position, for a pickup there (the address stays to type). */
export function fromSite(draft: PickupDraft, site: Site | undefined): PickupDraft {
  const position = site?.position;
  return {
    ...draft,
    siteId: site?.id ?? '',
    locality: site?.locality ?? draft.locality,
    latitude: position ? String(position.latitude) : draft.latitude,
    longitude: position ? String(position.longitude) : draft.longitude,
  };
}

export function fromLot(draft: PickupDraft, lot: LotToFetch | undefined): PickupDraft {
  return { ...draft, lotId: lot?.goodId ?? '' };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function uuid(checks: Checks, path: string, value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if (!text) return checks.fail(path, 'rule.required');
  return UUID.test(text) ? text : checks.fail(path, 'rule.uuid');
}

function decimal(
  checks: Checks,
  path: string,
  value: string,
  { min, max, required }: { min: number; max: number; required: boolean },
): number | undefined {
  if (!value.trim()) return required ? checks.fail(path, 'rule.required') : undefined;
  const n = parseDecimal(value);
  if (n === undefined) return checks.fail(path, 'rule.number');
  if (n < min) return checks.fail(path, 'rule.min', { min });
  if (n > max) return checks.fail(path, 'rule.max', { max });
  if (Math.abs(n * 1000 - Math.round(n * 1000)) > 1e-6)
    return checks.fail(path, 'rule.threeDecimals');
  return n;
}

/** Each window on the Paris clock, its end after its start and still to come (by the lot's end). */
function windowsOf(
  checks: Checks,
  windows: readonly WindowDraft[],
  now: number,
  mustBeGoneBy: string | undefined,
): { from: string; until: string }[] {
  const out: { from: string; until: string }[] = [];
  windows.forEach((w, index) => {
    const at = (field: 'from' | 'until') => {
      const path = `windows.${index}.${field}`;
      if (!w.day) return checks.fail(`windows.${index}.day`, 'rule.required');
      if (!TIME.test(w[field])) return checks.fail(path, 'rule.time');
      return (
        zonedInstant(`${w.day}T${w[field]}`) ?? checks.fail(`windows.${index}.day`, 'rule.day')
      );
    };
    const from = at('from');
    const until = w.day ? at('until') : undefined;
    if (!from || !until) return;
    if (Date.parse(until) <= Date.parse(from))
      return checks.fail(`windows.${index}.until`, 'rule.afterFrom');
    if (Date.parse(until) <= now) return checks.fail(`windows.${index}.until`, 'rule.inFuture');
    if (mustBeGoneBy && Date.parse(until) > Date.parse(mustBeGoneBy))
      return checks.fail(`windows.${index}.until`, 'rule.byMustBeGoneBy');
    out.push({ from, until });
  });
  return out;
}

export function toPickupRequest(
  kind: RequesterKind,
  draft: PickupDraft,
  lot: LotToFetch | undefined,
  now = Date.now(),
): { body: RequestPickupBody } | { checks: Check[] } {
  const checks = new Checks();
  if (kind === 'construction-site' && !lot) checks.fail('lot', 'rule.choose');
  if (kind === 'shop' && !draft.siteId) checks.fail('siteId', 'rule.choose');
  const address = checks.text('address', draft.address, { max: 300 });
  const locality = checks.text('locality', draft.locality);
  const latitude = decimalCoordinate(checks, 'position.latitude', draft.latitude, 90);
  const longitude = decimalCoordinate(checks, 'position.longitude', draft.longitude, 180);
  if (!draft.windows.length) checks.fail('windows', 'rule.minItems', { min: 1 });
  const windows = windowsOf(checks, draft.windows, now, lot?.mustBeGoneBy);
  const kg = decimal(checks, 'expectedLoad.kg', draft.kg, { min: 0, max: 100_000, required: true });
  const m3 = decimal(checks, 'expectedLoad.m3', draft.m3, { min: 0, max: 200, required: false });
  let crates = 0;
  let goods: RequestPickupBody['goods'] = [];
  if (kind === 'shop') {
    crates = checks.whole('expectedLoad.crates', draft.crates, 1, 10_000) ?? 0;
    const containerType = checks.text('goods.0.containerType', draft.containerType, { max: 100 });
    const count = checks.whole('goods.0.count', draft.containers, 1, 1_000_000);
    const depositCents = checks.whole('goods.0.depositCents', draft.depositCents, 0, 1_000);
    if (containerType && count !== undefined && depositCents !== undefined)
      goods = [{ kind: 'pool', containerType, count, depositCents }];
  } else if (lot) {
    goods = [
      {
        kind: 'lot',
        materialFamily: lot.materialFamily,
        quantity: lot.quantity,
        unit: lot.unit,
        conditionGrade: lot.conditionGrade,
        wasteCode: lot.wasteCode,
      },
    ];
  }
  const siteId = uuid(checks, 'deliverTo.siteId', draft.destinationSiteId);
  const locationId = uuid(checks, 'deliverTo.locationId', draft.destinationLocationId);

  if (!checks.ok) return { checks: checks.found };
  return {
    body: {
      kind,
      address: address!,
      locality: locality!,
      position: { latitude: latitude!, longitude: longitude! },
      windows,
      expectedLoad: { kg: kg!, m3: m3 ?? 0, crates, items: 0 },
      skills: [...draft.skills],
      goods,
      deliverTo: { siteId: siteId!, locationId: locationId! },
      ...(lot ? { lot: { goodId: lot.goodId, mustBeGoneBy: lot.mustBeGoneBy } } : {}),
    },
  };
}

function decimalCoordinate(
  checks: Checks,
  path: string,
  value: string,
  bound: number,
): number | undefined {
  if (!value.trim()) return checks.fail(path, 'rule.required');
  const n = parseDecimal(value);
  if (n === undefined) return checks.fail(path, 'rule.number');
  if (Math.abs(n) > bound) return checks.fail(path, 'rule.degrees', { max: bound });
  return n;
}
