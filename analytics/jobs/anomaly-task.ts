// One S-H-ESD detection on one series window, as a plain-data task so it can run in a worker thread
// (esd-worker.ts) or in-process with the same result. Pure.
//
// Inner holes (a missing price bucket) are interpolated for the decomposition, as the R package
// requires, and an interpolated bucket is never reported. Fewer than two periods of present data
// gives no result and the reason instead.
import { interpolateInnerGaps } from '../offline/grid.ts';
import { type AnomalyDirection, mad, seasonalHybridEsd } from '../math/index.ts';
import type { AnomalyPoint, AnomalySeries } from './points.ts';

export interface AnomalyTask {
  series: AnomalySeries;
  key: string;
  values: Float64Array;
  /** Time of values[0]. */
  startMs: number;
  bucketMs: number;
  period: number;
  maxAnoms: number;
  alpha: number;
  direction: AnomalyDirection;
  minPoints: number;
}

export type AnomalyTaskResult =
  | { kind: 'ok'; anomalies: AnomalyPoint[] }
  | { kind: 'skipped'; reason: 'too_few_points' | 'no_data' | 'invalid_series' };

export function runAnomalyTask(t: AnomalyTask): AnomalyTaskResult {
  let first = -1;
  let last = -1;
  for (let i = 0; i < t.values.length; i++) {
    if (Number.isFinite(t.values[i] as number)) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return { kind: 'skipped', reason: 'no_data' };
  const span = last - first + 1;
  if (span < 2 * t.period || span < t.minPoints) return { kind: 'skipped', reason: 'too_few_points' };
  const present = t.values.slice(first, last + 1);
  const filled = Float64Array.from(present);
  interpolateInnerGaps(filled);
  let result;
  try {
    result = seasonalHybridEsd(filled, t.period, {
      maxAnoms: Math.max(t.maxAnoms, 1 / filled.length),
      alpha: t.alpha,
      direction: t.direction,
      // R's STL from 7 daily cycles on; the phase median below that (see ShesdOptions.seasonal).
      seasonal: 'auto',
    });
  } catch (err) {
    if (err instanceof RangeError) return { kind: 'skipped', reason: 'invalid_series' };
    throw err;
  }
  if (result.anomalies.length === 0) return { kind: 'ok', anomalies: [] };
  // Score: a robust z of the point against trend + seasonal, scaled by the MAD of all residuals.
  const residuals = Float64Array.from(filled, (v, i) => v - (result.expected[i] as number));
  const scale = mad(residuals);
  const out: AnomalyPoint[] = [];
  for (const index of result.anomalies) {
    const value = present[index] as number;
    if (!Number.isFinite(value)) continue;
    const expected = result.expected[index] as number;
    out.push({
      series: t.series,
      key: t.key,
      timeMs: t.startMs + (first + index) * t.bucketMs,
      value,
      expected,
      score: scale > 0 ? (value - expected) / scale : undefined,
    });
  }
  return { kind: 'ok', anomalies: out };
}
