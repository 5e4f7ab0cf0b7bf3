// Offline correlation of two CSV series (the `cryptocrawler correlate` command): aligns them on a
// common time grid, then Pearson and Spearman at lag 0, the cross-correlation curve and Granger
// tests in both directions. Missing slots stay missing (pairs are skipped, never filled in).
//
// Lag convention: r(k) = corr(A[t], B[t + k]); a best lag k > 0 means A leads B by k steps.
// Pass the social series as A and the price series as B to read "social leads price".

import { type CorrelationResult, pearson, spearman } from '../math/correlation.ts';
import { DEFAULT_GRANGER_LAG, type GrangerResult, grangerBothWays } from '../math/granger.ts';
import { DEFAULT_MAX_LAG, type XcorrPoint, crossCorrelation } from '../math/xcorr.ts';
import { toGrid } from './grid.ts';
import type { ParsedSeries } from './series-csv.ts';

export interface RunCorrelateOptions {
  /** Largest lag in steps; default DEFAULT_MAX_LAG. */
  maxLag?: number;
  /** Fewest pairs per estimate; default the correlation module's DEFAULT_MIN_POINTS. */
  minPoints?: number;
  /** Granger lag order in steps; default DEFAULT_GRANGER_LAG. */
  grangerLag?: number;
}

export interface CorrelateOutput {
  convention: string;
  stepMs: number;
  /** Grid slots from the earliest to the latest timestamp of either series. */
  slots: number;
  /** Slots where both series have a value. */
  pairs: number;
  /** Points that were off the grid (moved to the nearest slot) or collided, per series. */
  alignment: { a: { snapped: number; collisions: number }; b: { snapped: number; collisions: number } };
  pearson: CorrelationResult;
  spearman: CorrelationResult;
  xcorr: { curve: XcorrPoint[]; band: number | null };
  bestLag: number | null;
  bestLagMs: number | null;
  bestR: number | null;
  significant: boolean;
  granger: { lagOrder: number; aToB: GrangerResult; bToA: GrangerResult };
}

export function runCorrelate(
  a: ParsedSeries,
  b: ParsedSeries,
  options: RunCorrelateOptions = {},
): CorrelateOutput {
  const maxLag = options.maxLag ?? DEFAULT_MAX_LAG;
  const lagOrder = options.grangerLag ?? DEFAULT_GRANGER_LAG;
  const stepA = a.report.stepMs;
  const stepB = b.report.stepMs;
  if (stepA === null || stepB === null || a.points.length === 0 || b.points.length === 0) {
    throw new RangeError('both series need at least two points');
  }
  if (stepA !== stepB) {
    throw new RangeError(`the series have different steps (${stepA} ms and ${stepB} ms); resample one first`);
  }
  const startMs = Math.min(a.points[0]?.timeMs as number, b.points[0]?.timeMs as number);
  const endMs = Math.max(
    a.points[a.points.length - 1]?.timeMs as number,
    b.points[b.points.length - 1]?.timeMs as number,
  );
  const gridA = toGrid(a.points, stepA, startMs, endMs);
  const gridB = toGrid(b.points, stepA, startMs, endMs);
  let pairs = 0;
  for (let i = 0; i < gridA.values.length; i++) {
    if (Number.isFinite(gridA.values[i] as number) && Number.isFinite(gridB.values[i] as number)) pairs++;
  }
  const correlationOptions = options.minPoints === undefined ? {} : { minPoints: options.minPoints };
  const xcorr = crossCorrelation(gridA.values, gridB.values, maxLag, correlationOptions);
  const { aToB, bToA } = grangerBothWays(gridA.values, gridB.values, { lagOrder });
  return {
    convention: 'r(k) = corr(A[t], B[t+k]); k > 0: A leads B by k steps',
    stepMs: stepA,
    slots: gridA.values.length,
    pairs,
    alignment: {
      a: { snapped: gridA.snapped, collisions: gridA.collisions },
      b: { snapped: gridB.snapped, collisions: gridB.collisions },
    },
    pearson: pearson(gridA.values, gridB.values, correlationOptions),
    spearman: spearman(gridA.values, gridB.values, correlationOptions),
    xcorr: { curve: xcorr.curve, band: xcorr.band },
    bestLag: xcorr.bestLag,
    bestLagMs: xcorr.bestLag === null ? null : xcorr.bestLag * stepA,
    bestR: xcorr.bestR,
    significant: xcorr.significant,
    granger: { lagOrder, aToB, bToA },
  };
}
