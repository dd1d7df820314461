/**
 * Numbers as people type them at a French counter: `12,5` as well as `12.5`, spaces
 * between thousands allowed. Undefined when it is not a number.
 */
export function parseDecimal(text: string): number | undefined {
  const normalised = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(normalised)) return undefined;
  return Number(normalised);
}

/** A quantity as the API takes it: a decimal string with a point, at most 3 places. */
export function quantityText(text: string): string | undefined {
  const normalised = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^\d{1,11}(\.\d{1,3})?$/.test(normalised) && Number(normalised) > 0
    ? normalised
    : undefined;
}

/** Kilograms to the gram, as the API keeps them (no 0.1 + 0.2 on a scale). */
export function toTheGram(kg: number): number {
  return Math.round(kg * 1000) / 1000;
}
