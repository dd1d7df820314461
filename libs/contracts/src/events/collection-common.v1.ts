import { z } from 'zod';
import { Id, Instant, Kilograms, KilogramsOrZero, Quantity, Unit } from '../primitives.js';

/*
 * The pieces collection's v1 events are built from, frozen with them: a change here is a
 * change to every collection v1 event, so it is made only by adding an optional field.
 * Requests (rpc/collection.ts) reuse them so that what a driver records is what travels.
 */

/**
 * What a load takes up, in every dimension a vehicle is limited in: weight, volume, glass
 * crates, and bulky items that each need a place of their own (a wheelchair or a bed on
 * the tail-lift).
 */
export const CollectionLoadV1 = z.strictObject({
  kg: KilogramsOrZero,
  m3: z
    .number()
    .min(0)
    .max(200)
    .refine((v) => Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6, 'at most 3 decimal places'),
  crates: z.number().int().min(0).max(10_000),
  items: z.number().int().min(0).max(200),
});
export type CollectionLoad = z.output<typeof CollectionLoadV1>;

/** Handling needs a crew and its vehicle must have for a pickup. */
export const COLLECTION_SKILLS = [
  'two-person',
  'tail-lift',
  'pallet-jack',
  'heavy-licence',
] as const;
export const CollectionSkillV1 = z.enum(COLLECTION_SKILLS);
export type CollectionSkill = z.output<typeof CollectionSkillV1>;

/** How inventory books what a pickup brought in (its intake's collection mode). */
export const COLLECTION_MODES_V1 = ['pickup', 'construction-site', 'shop'] as const;
export const CollectionModeV1 = z.enum(COLLECTION_MODES_V1);

/** A time window in UTC: the crew may arrive from `from` and no later than `until`. */
export const CollectionWindowV1 = z.strictObject({ from: Instant, until: Instant });

const EuWasteCode = z
  .string()
  .regex(/^\d{2} \d{2} \d{2}$/, 'must be an EU waste code such as "17 02 01" (never starred)');

/**
 * What a stop brought in, good by good, in the form inventory takes in: an aid with its
 * plate read, a lot as the firm described it, glass containers counted, cardboard weighed.
 */
export const CollectedGoodV1 = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('item'),
    make: z.string().trim().min(1).max(100),
    model: z.string().trim().min(1).max(100),
    serialNumber: z.string().trim().min(1).max(100),
    weightKg: Kilograms.optional(),
  }),
  z.strictObject({
    kind: z.literal('lot'),
    materialFamily: z.string().trim().min(1).max(100),
    quantity: Quantity,
    unit: Unit,
    conditionGrade: z.enum(['A', 'B', 'C', 'D']),
    wasteCode: EuWasteCode,
    weightKg: Kilograms.optional(),
  }),
  z.strictObject({
    kind: z.literal('pool'),
    containerType: z.string().trim().min(1).max(100),
    count: z.number().int().positive().max(1_000_000),
    depositCents: z.number().int().min(0).max(1_000),
    weightKg: Kilograms.optional(),
  }),
  z.strictObject({
    kind: z.literal('bulk'),
    material: z.literal('cardboard'),
    weightKg: Kilograms,
  }),
]);
export type CollectedGood = z.output<typeof CollectedGoodV1>;

/** Where a load is taken: a site and location of inventory's. */
export const DeliverToV1 = z.strictObject({ siteId: Id, locationId: Id });
