// The data's own step, inferred online from the first spacings between points: the median of the
// first STEP_SAMPLES spacings (robust to a gap or a duplicated bucket early on), then fixed so the
// seasonal slots never move. From the step come the daily and weekly cycles in points.

export const STEP_SAMPLES = 9;
const DAY_MS = 86_400_000;

/** Median of the (few) spacings seen so far; NaN before the first. */
export function medianSpacing(spacings: readonly number[]): number {
  if (spacings.length === 0) return Number.NaN;
  const sorted = [...spacings].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Points per day when the step divides a day into at least 4 and at most `maxSlots` slots (1-minute
 * to 1-hour data), else 0 (no daily profile: the step is too coarse or too fine to keep one).
 */
export function dailyPeriod(stepMs: number, maxSlots: number): number {
  if (!(stepMs > 0)) return 0;
  const period = Math.round(DAY_MS / stepMs);
  return period >= 4 && period <= maxSlots ? period : 0;
}
