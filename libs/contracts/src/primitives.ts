import { z } from 'zod';

/**
 * The values every event and request/reply contract is built from, each defined
 * once. A rule tightened here refuses, in every contract at once, payloads that
 * live producers may still send: for an event that is a new version, not an edit.
 */

/** The id of anything a service owns (good, site, hold…): a UUID, minted by that service. */
export const Id = z.uuid();

/**
 * A moment in UTC, `2026-11-20T09:15:00Z` (fractions of a second allowed, no offset):
 * events carry only this form, so that comparing two as text compares them in time.
 */
export const Instant = z.iso.datetime({ offset: false });

/**
 * A moment as a person's client sends it: `Z` or an offset, `2026-12-01T08:00:00+01:00`.
 * Commands only; the service stores it as UTC and publishes it as an `Instant`.
 */
export const InstantWithOffset = z.iso.datetime({ offset: true });

/** A calendar day, `2026-11-20`: certificates and disinfections are dated by the day. */
export const Day = z.iso.date();

/**
 * An amount of a good as a decimal string, so that 0.1 + 0.2 never happens: greater
 * than zero, at most 3 decimal places and 11 digits before the point (the ledger
 * keeps quantities as `numeric(14, 3)`, and refuses zero movements and holds).
 */
export const Quantity = z
  .string()
  .regex(/^\d{1,11}(\.\d{1,3})?$/, 'must be a positive decimal with at most 3 places, as a string')
  .refine((q) => Number(q) > 0, 'must be greater than zero');

/** What a quantity counts: whole units, m², m³, metres or kilograms. */
export const UNITS = ['unit', 'm2', 'm3', 'm', 'kg'] as const;
export const Unit = z.enum(UNITS);
export type Unit = z.infer<typeof Unit>;

/** The largest weight one weighing gives: 100 t, beyond any weighbridge a site has. */
const MAX_WEIGHING_KG = 100_000;

// A tolerance, not an exact test: 12.345 has no exact binary form, so 12.345 × 1000 is not exactly 12345.
const toTheGram = (kg: number) => Math.abs(kg * 1000 - Math.round(kg * 1000)) < 1e-6;
const TO_THE_GRAM = 'at most 3 decimal places (grams)';
const AT_LEAST_A_GRAM = 'must be at least 1 g (0.001 kg)';

/** The weight of something on a scale (a load, a good, a bale, a part): at least 1 g, to the gram, at most 100 t. */
export const Kilograms = z
  .number()
  .min(0.001, AT_LEAST_A_GRAM)
  .max(MAX_WEIGHING_KG)
  .refine(toTheGram, TO_THE_GRAM);

/** A weight that may be nothing: a tare (no container), a transformation's declared loss. Otherwise as `Kilograms`. */
export const KilogramsOrZero = z
  .number()
  .min(0)
  .max(MAX_WEIGHING_KG)
  .refine(toTheGram, TO_THE_GRAM);

/**
 * The sum of several weighings (all the inputs, or all the outputs, of a
 * transformation): at least 1 g, and as large as the database keeps
 * (`numeric(12, 3)`), since up to a thousand weighings of 100 t may add up. The
 * service rounds the sum to the gram; it is not checked to the gram here, as a
 * sum that large carries floating-point error beyond the tolerance used above.
 */
export const TotalKilograms = z.number().min(0.001, AT_LEAST_A_GRAM).max(999_999_999.999);

/**
 * Who a good is held for or handed to, or which staff member did something: an opaque
 * reference issued by the service that knows the person (matching for beneficiaries),
 * never a name or an address. Such references reach the append-only ledger and the
 * events, which can never be erased; a space or a comma is refused, so that "Mme …,
 * 12 rue …" cannot get there.
 */
export const OpaqueRef = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be an opaque reference (letters, digits, ".", "_", ":", "-"), never a name or an address',
  );

/**
 * A place on the map in WGS 84 decimal degrees, as a phone or a map gives it. Six decimals
 * (about 10 cm) are more than a site or a collection point needs.
 */
export const GeoPoint = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});
export type GeoPoint = z.infer<typeof GeoPoint>;
