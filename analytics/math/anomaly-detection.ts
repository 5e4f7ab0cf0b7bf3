// The two entry points of Twitter's AnomalyDetection around S-H-ESD (shesd.ts):
//   anomalyDetectionVec: R's AnomalyDetectionVec (values only; the caller gives the period);
//   anomalyDetectionTs:  R's AnomalyDetectionTs (timestamps; the period follows the granularity:
//                        1440 for minutes, 24 for hours, 7 for days).
// Both support the piecewise long-term mode (detect per block of ~2 weeks so that the median stands
// in for a trend that moves), the med_max / p95 / p99 thresholds (keep only anomalies at or above the
// median / 95th / 99th percentile of the daily maxima) and "only the last day/hour/period".
// Differences from R, on purpose: output is sorted by index; expected values keep their fraction;
// missing values are ignored when taking daily maxima (R would return NA and drop every anomaly).

import { median, quantileType7 } from './descriptive.ts';
import { type ShesdOptions, seasonalHybridEsd, validateShesdOptions } from './shesd.ts';

export type AnomalyThreshold = 'None' | 'med_max' | 'p95' | 'p99';
export const DEFAULT_THRESHOLD: AnomalyThreshold = 'None';
/** R's piecewise_median_period_weeks default (and minimum). */
export const DEFAULT_PIECEWISE_MEDIAN_PERIOD_WEEKS = 2;

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;

export interface Anomaly {
  /** Position in the input (0-based). */
  index: number;
  /** Epoch milliseconds, for anomalyDetectionTs. */
  timeMs?: number;
  value: number;
  /** trend + seasonal of the decomposition (R's expected_value, without its truncation). */
  expected: number;
}

export interface AnomalyDetectionVecOptions extends ShesdOptions {
  /** Points per seasonal cycle (e.g. 1440 for a day of 1-minute data). */
  period: number;
  /** Report only anomalies in the last `period` points. */
  onlyLast?: boolean;
  threshold?: AnomalyThreshold;
  /** Detect per block of this many points (a multiple of period), R's longterm_period. */
  longtermPeriod?: number;
}

export interface TimedValue {
  timeMs: number;
  value: number | null;
}

export type Granularity = 'ms' | 'sec' | 'min' | 'hr' | 'day';

export interface AnomalyDetectionTsOptions extends ShesdOptions {
  /** Report only anomalies in the last day or hour. */
  onlyLast?: 'day' | 'hr' | null;
  threshold?: AnomalyThreshold;
  /** Detect per block of piecewiseMedianPeriodWeeks weeks. */
  longterm?: boolean;
  piecewiseMedianPeriodWeeks?: number;
  /** Points per cycle; default from the granularity as in R (1440 / 24 / 7). */
  period?: number;
}

export interface AnomalyDetectionTsResult {
  anomalies: Anomaly[];
  period: number;
  granularity: Granularity;
}

interface Block {
  start: number;
  end: number; // inclusive
}

function thresholdOf(maxima: number[], threshold: AnomalyThreshold): number {
  if (threshold === 'med_max') return median(maxima);
  if (threshold === 'p95') return quantileType7(maxima, 0.95);
  if (threshold === 'p99') return quantileType7(maxima, 0.99);
  return -Infinity;
}

function checkThreshold(threshold: string): void {
  if (!['None', 'med_max', 'p95', 'p99'].includes(threshold)) {
    throw new RangeError(`threshold must be None, med_max, p95 or p99, got ${threshold}`);
  }
}

/** Maxima of the finite values per group (groups given by a key per index). */
function groupMaxima(
  values: ArrayLike<number | null>,
  from: number,
  to: number,
  key: (i: number) => number,
): number[] {
  const maxima = new Map<number, number>();
  for (let i = from; i <= to; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const k = key(i);
    const current = maxima.get(k);
    if (current === undefined || v > current) maxima.set(k, v);
  }
  return [...maxima.values()];
}

/** Runs S-H-ESD per block and merges: the first block that covers an index gives its result. */
function detectInBlocks(
  values: ArrayLike<number | null>,
  blocks: Block[],
  period: number,
  options: ShesdOptions,
  thresholdFor: (block: Block) => number,
): Map<number, number> {
  const expectedByIndex = new Map<number, number>();
  const accepted = new Map<number, number>();
  for (const block of blocks) {
    const slice = Array.from(
      { length: block.end - block.start + 1 },
      (_, i) => values[block.start + i] ?? null,
    );
    const result = seasonalHybridEsd(slice, period, options);
    for (let i = 0; i < slice.length; i++) {
      if (!expectedByIndex.has(block.start + i))
        expectedByIndex.set(block.start + i, result.expected[i] as number);
    }
    const limit = thresholdFor(block);
    for (const local of result.anomalies) {
      const index = block.start + local;
      if ((values[index] as number) >= limit && !accepted.has(index)) {
        accepted.set(index, expectedByIndex.get(index) as number);
      }
    }
  }
  return accepted;
}

function toAnomalies(accepted: Map<number, number>, values: ArrayLike<number | null>): Anomaly[] {
  return [...accepted.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, expected]) => ({ index, value: values[index] as number, expected }));
}

/** R's AnomalyDetectionVec. */
export function anomalyDetectionVec(
  values: ArrayLike<number | null>,
  options: AnomalyDetectionVecOptions,
): Anomaly[] {
  const shesd = validateShesdOptions(options);
  const { period, onlyLast = false, threshold = DEFAULT_THRESHOLD, longtermPeriod } = options;
  checkThreshold(threshold);
  if (!Number.isInteger(period) || period < 2)
    throw new RangeError(`period must be an integer >= 2, got ${period}`);
  const n = values.length;
  const maxAnoms = Math.max(shesd.maxAnoms, 1 / n);

  const blocks: Block[] = [];
  if (longtermPeriod !== undefined) {
    if (!Number.isInteger(longtermPeriod) || longtermPeriod < 2 * period) {
      throw new RangeError(`longtermPeriod must be an integer >= 2 * period, got ${longtermPeriod}`);
    }
    for (let j = 0; j < n; j += longtermPeriod) {
      const end = Math.min(j + longtermPeriod - 1, n - 1);
      // A short last block is replaced by the last full longtermPeriod points.
      blocks.push(
        end - j + 1 === longtermPeriod
          ? { start: j, end }
          : { start: Math.max(0, n - longtermPeriod), end: n - 1 },
      );
    }
  } else {
    blocks.push({ start: 0, end: n - 1 });
  }

  const accepted = detectInBlocks(values, blocks, period, { ...shesd, maxAnoms }, (block) =>
    threshold === 'None'
      ? -Infinity
      : thresholdOf(
          groupMaxima(values, block.start, block.end, (i) => Math.floor((i - block.start) / period)),
          threshold,
        ),
  );
  if (onlyLast) {
    for (const index of accepted.keys()) if (index < n - period) accepted.delete(index);
  }
  return toAnomalies(accepted, values);
}

/** R's get_gran: from the step between the last two timestamps. */
export function granularityOf(timesMs: readonly number[]): Granularity {
  if (timesMs.length < 2) throw new RangeError('need at least two timestamps to tell the granularity');
  const sorted = [...timesMs].sort((a, b) => a - b);
  const seconds = Math.round(
    ((sorted[sorted.length - 1] as number) - (sorted[sorted.length - 2] as number)) / 1000,
  );
  if (seconds >= 86400) return 'day';
  if (seconds >= 3600) return 'hr';
  if (seconds >= 60) return 'min';
  if (seconds >= 1) return 'sec';
  return 'ms';
}

/** R aggregates second data to minutes by summing before detecting. */
function sumPerMinute(points: readonly TimedValue[]): TimedValue[] {
  const out: TimedValue[] = [];
  for (const point of points) {
    const minute = Math.floor(point.timeMs / MS_PER_MINUTE) * MS_PER_MINUTE;
    const last = out[out.length - 1];
    const value = point.value === null || !Number.isFinite(point.value) ? NaN : point.value;
    if (last && last.timeMs === minute) last.value = (last.value as number) + value;
    else out.push({ timeMs: minute, value });
  }
  return out.map((p) => ({ timeMs: p.timeMs, value: Number.isFinite(p.value as number) ? p.value : null }));
}

/** R's AnomalyDetectionTs; points must be in ascending time order. */
export function anomalyDetectionTs(
  input: readonly TimedValue[],
  options?: AnomalyDetectionTsOptions,
): AnomalyDetectionTsResult {
  const shesd = validateShesdOptions(options);
  const threshold = options?.threshold ?? DEFAULT_THRESHOLD;
  checkThreshold(threshold);
  const weeks = options?.piecewiseMedianPeriodWeeks ?? DEFAULT_PIECEWISE_MEDIAN_PERIOD_WEEKS;
  if (!(weeks >= 2)) throw new RangeError(`piecewiseMedianPeriodWeeks must be >= 2, got ${weeks}`);
  for (let i = 1; i < input.length; i++) {
    if (!((input[i] as TimedValue).timeMs > (input[i - 1] as TimedValue).timeMs)) {
      throw new RangeError(`timestamps must be strictly increasing (index ${i})`);
    }
  }
  let granularity = granularityOf(input.map((p) => p.timeMs));
  let onlyLast = options?.onlyLast ?? null;
  if (granularity === 'day' && onlyLast === 'hr') onlyLast = 'day';
  let points = input;
  if (granularity === 'sec') {
    points = sumPerMinute(input);
    granularity = 'min';
  }
  if (granularity === 'ms')
    throw new RangeError('sub-second granularity is not supported (R gives no period for it)');
  const period = options?.period ?? { min: 1440, hr: 24, day: 7 }[granularity];
  const n = points.length;
  const times = points.map((p) => p.timeMs);
  const values = points.map((p) => p.value);
  const maxAnoms = Math.max(shesd.maxAnoms, 1 / n);

  const blocks: Block[] = [];
  if (options?.longterm) {
    const pointsPerBlock = granularity === 'day' ? period * weeks + 1 : period * 7 * weeks;
    const blockMs = (granularity === 'day' ? 7 * weeks + 1 : 7 * weeks) * MS_PER_DAY;
    const lastTime = times[n - 1] as number;
    const rangeOf = (keep: (t: number) => boolean): Block => {
      let start = 0;
      while (start < n && !keep(times[start] as number)) start++;
      let end = start;
      while (end + 1 < n && keep(times[end + 1] as number)) end++;
      return { start, end };
    };
    for (let j = 0; j < n; j += pointsPerBlock) {
      const startTime = times[j] as number;
      const endTime = Math.min(startTime + blockMs, lastTime);
      blocks.push(
        endTime - startTime === blockMs
          ? rangeOf((t) => t >= startTime && t < endTime)
          : rangeOf((t) => t > lastTime - blockMs && t <= lastTime),
      );
    }
  } else {
    blocks.push({ start: 0, end: n - 1 });
  }

  // Daily maxima are over the whole series, by UTC calendar day, as R's as.Date() groups them.
  const limit =
    threshold === 'None'
      ? -Infinity
      : thresholdOf(
          groupMaxima(values, 0, n - 1, (i) => Math.floor((times[i] as number) / MS_PER_DAY)),
          threshold,
        );
  const accepted = detectInBlocks(values, blocks, period, { ...shesd, maxAnoms }, () => limit);

  if (onlyLast) {
    const windowStart = (times[n - 1] as number) - (onlyLast === 'day' ? MS_PER_DAY : MS_PER_HOUR);
    for (const index of accepted.keys())
      if (!((times[index] as number) > windowStart)) accepted.delete(index);
  }
  const anomalies = toAnomalies(accepted, values).map((a) => ({ ...a, timeMs: times[a.index] as number }));
  return { anomalies, period, granularity };
}
