import { z } from 'zod';

/*
 * The pieces matching's v1 events are built from, frozen with them: a change here is a
 * change to every matching v1 event, so it is made only by adding an optional field.
 * Requests (rpc/matching.ts) reuse them. None of them may carry anything personal: a
 * beneficiary travels as a pseudonymous reference, never with a name, a place or a
 * health detail.
 */

/** A beneficiary's need for a medical aid, or a member's wanted list entry for a material. */
export const NEED_KINDS = ['medical-aid', 'material'] as const;
export const NeedKindV1 = z.enum(NEED_KINDS);
export type NeedKind = z.output<typeof NeedKindV1>;

/**
 * How soon the need must be met, as the person acting for the beneficiary states it:
 * `urgent` for a hospital discharge within days, `soon` within weeks, `routine` otherwise.
 */
export const URGENCY_LEVELS = ['routine', 'soon', 'urgent'] as const;
export const UrgencyV1 = z.enum(URGENCY_LEVELS);
export type Urgency = z.output<typeof UrgencyV1>;

/** Why a need stopped waiting. `erased`: the beneficiary's personal data was erased. */
export const NEED_CLOSE_REASONS = ['withdrawn', 'fulfilled', 'expired', 'erased'] as const;

/** ISO 9999 class, `12 22` manual wheelchairs, `12 22 03` a subclass. */
export const IsoClassV1 = z
  .string()
  .regex(/^\d{2}( \d{2}){1,2}$/, 'must be an ISO 9999 class such as "12 22" or "12 22 03"');
