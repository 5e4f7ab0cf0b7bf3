// What a job run needs from config.yaml, resolved once into bucket counts so the jobs never parse
// durations or look up topics on the hot path. Pure.
import type { Config } from '../../src/core/config/load.ts';
import { parseDurationSeconds } from '../../src/core/config/duration.ts';
import { memberOf } from '../../src/core/config/member.ts';
import type { AnomalyDirection } from '../math/index.ts';
import { partitionShare } from './partition.ts';

/** Social signals paired with a coin's price returns. */
export const SIGNALS = ['volume', 'sentiment', 'net'] as const;
export type Signal = (typeof SIGNALS)[number];

export interface Pair {
  topic: string;
  symbol: string;
}

export interface WindowSpec {
  /** Tag value, as written in config, e.g. "6h". */
  label: string;
  buckets: number;
}

export interface JobOptions {
  bucketSeconds: number;
  bucketMs: number;
  /** Bucket that holds `social` and `price` and receives the results. */
  bucket: string;
  windows: WindowSpec[];
  maxLagBuckets: number;
  /** Buckets of history for lag and Granger. */
  lookbackBuckets: number;
  minPoints: number;
  grangerLags: number;
  topics: string[];
  pairs: Pair[];
  symbols: string[];
  quote: string;
  priceSource: string | null;
  anomalies: {
    maxAnoms: number;
    alpha: number;
    direction: AnomalyDirection;
    periodBuckets: number;
    lookbackBuckets: number;
  };
}

function bucketsOf(text: string, bucketSeconds: number, key: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined || seconds % bucketSeconds !== 0) {
    throw new RangeError(`${key}: "${text}" is not a whole number of ${bucketSeconds}-second buckets`);
  }
  return seconds / bucketSeconds;
}

export function jobOptionsFromConfig(config: Config): JobOptions {
  const a = config.analytics;
  const bs = a.bucketSeconds;
  // analytics.partition: this instance's share of the topics and coins (partition.ts); all when 0/1.
  const share = partitionShare(config, memberOf(a.partition));
  const pairs = config.topics
    .filter((t) => t.coin !== undefined && share.topics.includes(t.name))
    .map((t) => ({ topic: t.name, symbol: t.coin as string }));
  if ((a.maxLagMinutes * 60) % bs !== 0) {
    throw new RangeError(
      `analytics.maxLagMinutes: ${a.maxLagMinutes} min is not a whole number of ${bs}-second buckets`,
    );
  }
  return {
    bucketSeconds: bs,
    bucketMs: bs * 1000,
    bucket: config.influx.buckets.main.name,
    windows: a.windows.map((w, i) => {
      const buckets = bucketsOf(w, bs, `analytics.windows[${i}]`);
      // The tag is the window as written in config ("24h", not "1d"), as dashboards select it.
      return { label: w.trim(), buckets };
    }),
    maxLagBuckets: (a.maxLagMinutes * 60) / bs,
    lookbackBuckets: bucketsOf(a.lookback, bs, 'analytics.lookback'),
    minPoints: a.minPoints,
    grangerLags: a.grangerLags,
    topics: share.topics,
    pairs,
    symbols: share.coins,
    quote: config.quotes[0] as string,
    priceSource: a.priceSource,
    anomalies: {
      maxAnoms: a.anomalies.maxAnoms,
      alpha: a.anomalies.alpha,
      direction: a.anomalies.direction,
      periodBuckets: bucketsOf(a.anomalies.period, bs, 'analytics.anomalies.period'),
      lookbackBuckets: bucketsOf(a.anomalies.lookback, bs, 'analytics.anomalies.lookback'),
    },
  };
}

/** Buckets a run must read before its end: the longest of the windows, the lookbacks, plus one for diffs. */
export function historyBuckets(o: JobOptions): number {
  return Math.max(o.lookbackBuckets, o.anomalies.lookbackBuckets, ...o.windows.map((w) => w.buckets)) + 1;
}
