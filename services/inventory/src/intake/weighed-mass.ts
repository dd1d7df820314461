import { validation } from '../common/errors.js';

/**
 * The scale's tolerance on an intake's net: 1 % of it, and never less than half a kilogram
 * (what a platform scale reads to at low loads). Declared weights are estimates; the scale
 * is the truth, within this.
 */
export function scaleToleranceKg(netKg: number): number {
  return Math.max(netKg * 0.01, 0.5);
}

export interface WeighedShares {
  /** Each good's share of the net, in kilograms to the gram, in the order of the goods. */
  goodsKg: number[];
  /** What of the net no good accounts for. */
  unsortedKg: number;
}

/**
 * Shares an intake's weighed net among its goods, so that the goods and the unsorted mass
 * always add up to the net (tonnes are weighed mass, DOMAIN.md):
 * - declared weights above the net by more than the tolerance are refused;
 * - goods without a declared weight share what the declared ones leave of the net, equally;
 * - when every good declares a weight and they add up to the net within the tolerance, the
 *   difference is the scale's and the declared weights are scaled to the net;
 * - when they fall short by more than the tolerance, the difference is the intake's unsorted
 *   mass (mixed waste, packaging, goods not listed).
 */
export function shareNet(
  netKg: number,
  declaredKg: readonly (number | undefined)[],
): WeighedShares {
  const net = grams(netKg);
  const tolerance = grams(scaleToleranceKg(netKg));
  const declared = declaredKg.map((kg) => (kg === undefined ? undefined : grams(kg)));
  const sum = declared.reduce<number>((total, g) => total + (g ?? 0), 0);
  if (sum > net + tolerance) {
    throw validation(
      'goods',
      `the declared weights add up to ${sum / 1000} kg, more than the ${net / 1000} kg weighed ` +
        `(gross - tare) plus the scale's tolerance of ${tolerance / 1000} kg`,
    );
  }
  const undeclared = declared.flatMap((g, index) => (g === undefined ? [index] : []));
  if (sum > net) {
    // Within the tolerance above the net: the scale is right, the declared weights a little high.
    return {
      goodsKg: kilograms(
        proportional(
          net,
          declared.map((g) => g ?? 0),
        ),
      ),
      unsortedKg: 0,
    };
  }
  if (undeclared.length > 0) {
    const shares = declared.map((g) => g ?? 0);
    const rest = proportional(
      net - sum,
      undeclared.map(() => 1),
    );
    undeclared.forEach((index, i) => (shares[index] = rest[i]!));
    return { goodsKg: kilograms(shares), unsortedKg: 0 };
  }
  if (net - sum <= tolerance) {
    return {
      goodsKg: kilograms(
        proportional(
          net,
          declared.map((g) => g!),
        ),
      ),
      unsortedKg: 0,
    };
  }
  return { goodsKg: kilograms(declared.map((g) => g!)), unsortedKg: (net - sum) / 1000 };
}

const grams = (kg: number) => Math.round(kg * 1000);
const kilograms = (values: number[]) => values.map((g) => g / 1000);

/** `total` grams shared in proportion to `weights`, to the gram, adding up to `total` exactly. */
function proportional(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  // The grams left by rounding down go to the largest remainders, one each.
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, index) => ({ index, remainder: (total * w) / sum - shares[index]! }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}
