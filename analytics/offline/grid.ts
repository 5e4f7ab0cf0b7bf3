// Puts points on a regular time grid (start + i * step), the shape the math needs: lags and periods
// are counted in steps. Points between grid slots go to the nearest slot; a slot claimed twice keeps
// the first point. Both are counted so the caller can report them.

import type { SeriesPoint } from './series-csv.ts';

export interface Grid {
  startMs: number;
  stepMs: number;
  /** Value per slot; NaN where no point landed (or the point's value was missing). */
  values: Float64Array;
  /** Index into the input points per slot, -1 where none landed. */
  source: Int32Array;
  /** Points that were not exactly on a slot. */
  snapped: number;
  /** Points dropped because their slot was already taken. */
  collisions: number;
}

export function toGrid(points: readonly SeriesPoint[], stepMs: number, startMs: number, endMs: number): Grid {
  if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${stepMs}`);
  const length = Math.round((endMs - startMs) / stepMs) + 1;
  const values = new Float64Array(length).fill(NaN);
  const source = new Int32Array(length).fill(-1);
  let snapped = 0;
  let collisions = 0;
  points.forEach((point, i) => {
    const exact = (point.timeMs - startMs) / stepMs;
    const slot = Math.round(exact);
    if (slot < 0 || slot >= length) return;
    if (slot !== exact) snapped++;
    if (source[slot] !== -1) {
      collisions++;
      return;
    }
    source[slot] = i;
    values[slot] = point.value;
  });
  return { startMs, stepMs, values, source, snapped, collisions };
}

/** Fills missing values strictly inside the series by linear interpolation; returns how many. */
export function interpolateInnerGaps(values: Float64Array): number {
  let filled = 0;
  let previous = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) continue;
    if (previous >= 0 && i - previous > 1) {
      const from = values[previous] as number;
      const slope = ((values[i] as number) - from) / (i - previous);
      for (let k = previous + 1; k < i; k++) values[k] = from + slope * (k - previous);
      filled += i - previous - 1;
    }
    previous = i;
  }
  return filled;
}
