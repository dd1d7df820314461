import type { Good } from '../../../api/types';

/**
 * What the firm declared when it offered the lot, as the good's description keeps it.
 * The window is the one offered: a window amended later is answered by the amendment,
 * not yet by the good (its description keeps what was offered).
 */
export interface LotDescription {
  materialFamily?: string;
  estimated: boolean;
  dimensions?: string;
  conditionGrade?: string;
  wasteCode?: string;
  photoRefs: string[];
  availableFrom?: string;
  mustBeGoneBy?: string;
  fallback?: { route: string; facility: string };
}

export function lotDescription(good: Good): LotDescription {
  const d = good.description;
  const text = (key: string) => (typeof d[key] === 'string' && d[key] !== '' ? d[key] : undefined);
  const fallback = d['fallback'];
  const described: LotDescription = {
    estimated: d['estimated'] === true,
    photoRefs: Array.isArray(d['photoRefs'])
      ? d['photoRefs'].filter((r): r is string => typeof r === 'string')
      : [],
  };
  for (const key of [
    'materialFamily',
    'dimensions',
    'conditionGrade',
    'wasteCode',
    'availableFrom',
    'mustBeGoneBy',
  ] as const) {
    const value = text(key);
    if (value !== undefined) described[key] = value;
  }
  if (
    typeof fallback === 'object' &&
    fallback !== null &&
    typeof (fallback as { route?: unknown }).route === 'string' &&
    typeof (fallback as { facility?: unknown }).facility === 'string'
  )
    described.fallback = fallback as { route: string; facility: string };
  return described;
}
