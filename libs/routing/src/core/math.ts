/**
 * `Math.max` and `Math.min` of two numbers, as plain comparisons. Under Jest's ESM
 * runner (code in a `vm` context) V8 does not inline the `Math` builtins, and the
 * solver's inner loops ran some 50 times slower there; comparisons are as fast as
 * the builtins in plain Node and do not depend on the realm.
 */
export function max(a: number, b: number): number {
  return a > b ? a : b;
}

export function min(a: number, b: number): number {
  return a < b ? a : b;
}
