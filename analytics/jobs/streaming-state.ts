// The streaming anomaly job's pure part: which series are watched, their value in each closed bucket,
// one detector per series fed in time order, and the state a restart continues from. No I/O.
//
// Series (one detector each): per topic post volume (count), negative posts (neg) and mean sentiment
// (score_sum / count); per coin the log return of the bucket's last price.
//
// A bucket's values depend on that bucket (and, for a return, the one before) only, never on how many
// buckets a run reads, so a run that catches up over an hour flags exactly what sixty one-bucket runs
// flag: that is what makes a restart give the same flags as an uninterrupted run. Hence the social rule
// here is per bucket (series.ts fills gaps over a read window): a topic without a rollup counts 0 posts
// when any topic has one in that bucket; a bucket where no topic has one is missing (NaN), as the
// collector was not writing.
import { isDeepStrictEqual } from 'node:util';
import {
  createStreamingDetector,
  resolveStreamingOptions,
  restoreStreamingDetector,
  type StreamingDetector,
  type StreamingVerdict,
} from '../streaming/index.ts';
import type { AnomalySeries } from './points.ts';
import type { AlignedSeries } from './series.ts';

export const STREAMING_STATE_VERSION = 1;

export interface StreamingSeriesId {
  series: AnomalySeries;
  /** Topic for social series, symbol for returns. */
  key: string;
}

export function seriesKey(s: StreamingSeriesId): string {
  return `${s.series}/${s.key}`;
}

/** Every series the job watches, in a fixed order (topics, then coins). */
export function streamingSeries(topics: readonly string[], symbols: readonly string[]): StreamingSeriesId[] {
  const out: StreamingSeriesId[] = [];
  for (const key of topics) {
    out.push({ series: 'volume', key }, { series: 'negative_posts', key }, { series: 'sentiment', key });
  }
  for (const key of symbols) out.push({ series: 'returns', key });
  return out;
}

/**
 * Values of every series in buckets 1..length-1 of `s` (bucket 0 is read only for the first return).
 * Returns one array per series key, index i = bucket i of `s` (index 0 is NaN).
 */
export function bucketValues(s: AlignedSeries, ids: readonly StreamingSeriesId[]): Map<string, Float64Array> {
  const n = s.length;
  const anySocial = new Uint8Array(n);
  for (const t of s.topics.values()) {
    for (let i = 0; i < n; i++) if (Number.isFinite(t.count[i] as number)) anySocial[i] = 1;
  }
  const out = new Map<string, Float64Array>();
  for (const id of ids) {
    const v = new Float64Array(n).fill(NaN);
    if (id.series === 'returns') {
      const p = s.prices.get(id.key);
      if (p) {
        for (let i = 1; i < n; i++) {
          const a = p[i - 1] as number;
          const b = p[i] as number;
          if (a > 0 && b > 0) v[i] = Math.log(b / a);
        }
      }
    } else {
      const t = s.topics.get(id.key);
      for (let i = 1; i < n; i++) {
        if (!anySocial[i]) continue;
        const count = t ? (t.count[i] as number) : NaN;
        const c = Number.isFinite(count) ? count : 0;
        if (id.series === 'volume') v[i] = c;
        else if (id.series === 'negative_posts') {
          const neg = t ? (t.neg[i] as number) : NaN;
          v[i] = Number.isFinite(neg) ? neg : 0;
        } else {
          // Mean sentiment has no value in a bucket without posts: a missing bucket to the detector.
          const sum = t ? (t.scoreSum[i] as number) : NaN;
          v[i] = c > 0 && Number.isFinite(sum) ? sum / c : NaN;
        }
      }
    }
    out.set(seriesKey(id), v);
  }
  return out;
}

export interface StreamingFlag extends StreamingSeriesId {
  /** Start of the flagged bucket, epoch ms. */
  timeMs: number;
  value: number;
  verdict: StreamingVerdict;
  /** True when the bucket before was not flagged for this series: the first bucket of an episode. */
  onset: boolean;
}

/** What a restart needs: the first bucket not yet processed and every detector's snapshot. */
export interface StreamingState {
  version: typeof STREAMING_STATE_VERSION;
  bucketMs: number;
  /** Start of the first bucket not yet fed, epoch ms. */
  nextBucketMs: number;
  series: Record<string, { detector: unknown; lastFlagMs: number | null }>;
}

/** The detectors of every watched series and the bucket they continue from. */
export class StreamingDetectors {
  private readonly detectors = new Map<string, { id: StreamingSeriesId; d: StreamingDetector }>();
  private readonly lastFlag = new Map<string, number | null>();

  private constructor(
    readonly bucketMs: number,
    public nextBucketMs: number,
  ) {}

  /** Fresh detectors that start at `nextBucketMs`. */
  static create(
    ids: readonly StreamingSeriesId[],
    bucketMs: number,
    nextBucketMs: number,
  ): StreamingDetectors {
    const s = new StreamingDetectors(bucketMs, nextBucketMs);
    for (const id of ids) s.add(id);
    return s;
  }

  /**
   * Detectors restored from a saved state. A series the state does not hold (a topic added since)
   * starts fresh; a saved series no longer watched is dropped. Undefined when the state does not fit
   * (another version or bucket size, or detectors saved with another configuration than this release's,
   * which would otherwise go on with the old one): the caller warms up instead.
   */
  static restore(
    state: unknown,
    ids: readonly StreamingSeriesId[],
    bucketMs: number,
  ): StreamingDetectors | undefined {
    if (!isState(state) || state.bucketMs !== bucketMs) return undefined;
    const current = resolveStreamingOptions();
    for (const saved of Object.values(state.series)) {
      const options = (saved?.detector as { options?: unknown } | undefined)?.options;
      if (!isDeepStrictEqual(options, current)) return undefined;
    }
    const s = new StreamingDetectors(bucketMs, state.nextBucketMs);
    for (const id of ids) {
      const saved = state.series[seriesKey(id)];
      if (saved === undefined) s.add(id);
      else {
        s.detectors.set(seriesKey(id), { id, d: restoreStreamingDetector(saved.detector as never) });
        s.lastFlag.set(seriesKey(id), saved.lastFlagMs);
      }
    }
    return s;
  }

  private add(id: StreamingSeriesId): void {
    this.detectors.set(seriesKey(id), { id, d: createStreamingDetector() });
    this.lastFlag.set(seriesKey(id), null);
  }

  size(): number {
    return this.detectors.size;
  }

  /**
   * Feeds buckets [from, to) of `values` (index i = bucket `startMs + i * bucketMs`) to every detector,
   * bucket by bucket, and returns the flags. `from` must be the bucket of `nextBucketMs`.
   */
  feed(values: Map<string, Float64Array>, startMs: number, from: number, to: number): StreamingFlag[] {
    const first = startMs + from * this.bucketMs;
    if (first !== this.nextBucketMs)
      throw new RangeError(
        `streaming: fed from ${new Date(first).toISOString()} but the next bucket is ${new Date(this.nextBucketMs).toISOString()}`,
      );
    const flags: StreamingFlag[] = [];
    for (let i = from; i < to; i++) {
      const timeMs = startMs + i * this.bucketMs;
      for (const [key, { id, d }] of this.detectors) {
        const value = values.get(key)?.[i] ?? NaN;
        const verdict = d.update(timeMs, value);
        if (!verdict.flag) continue;
        const last = this.lastFlag.get(key) ?? null;
        flags.push({ ...id, timeMs, value, verdict, onset: last !== timeMs - this.bucketMs });
        this.lastFlag.set(key, timeMs);
      }
      this.nextBucketMs = timeMs + this.bucketMs;
    }
    return flags;
  }

  snapshot(): StreamingState {
    const series: StreamingState['series'] = {};
    for (const [key, { d }] of this.detectors)
      series[key] = { detector: d.snapshot(), lastFlagMs: this.lastFlag.get(key) ?? null };
    return {
      version: STREAMING_STATE_VERSION,
      bucketMs: this.bucketMs,
      nextBucketMs: this.nextBucketMs,
      series,
    };
  }
}

function isState(v: unknown): v is StreamingState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<StreamingState>;
  return (
    s.version === STREAMING_STATE_VERSION &&
    typeof s.bucketMs === 'number' &&
    typeof s.nextBucketMs === 'number' &&
    Number.isSafeInteger(s.nextBucketMs) &&
    typeof s.series === 'object' &&
    s.series !== null
  );
}
