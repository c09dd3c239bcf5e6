// Medians of samples, and ratios that say nothing when either side is missing.

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);

/** The list rotated by `k`: each round starts with another contender, so none always runs first. */
export const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
