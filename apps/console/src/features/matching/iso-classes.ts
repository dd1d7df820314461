import type { MessageKey } from '../../i18n/fr';

/**
 * The ISO 9999 classes the cluster's aids fall in, as matching names them in French
 * (services/matching's iso-classes): a need names one, a search may take one as its category.
 */
export const ISO_CLASSES = [
  '04 33',
  '09 12',
  '09 33',
  '12 03',
  '12 06',
  '12 22',
  '12 23',
  '12 31',
  '12 36',
  '18 09',
  '18 12',
  '18 18',
  '18 30',
] as const;
export type IsoClass = (typeof ISO_CLASSES)[number];

export function isoKey(isoClass: IsoClass): MessageKey {
  return `iso.${isoClass}`;
}

/** The class's name, or the nearest class above it the console names; the code otherwise. */
export function isoName(code: string, t: (key: MessageKey) => string): string {
  for (let c = code; c.length >= 5; c = c.slice(0, -3))
    if ((ISO_CLASSES as readonly string[]).includes(c))
      return `${t(isoKey(c as IsoClass))} (${code})`;
  return code;
}
