// Delay from a planted anomaly's start to its first live alert, for the scheduled S-H-ESD job: its
// runs are replayed on the data in InfluxDB as the service would make them (every bucket, over the
// last `anomalies.lookback`, leaving out the newest bucket: SETTLE_BUCKETS), and the first run whose
// result flags a bucket of the anomaly's span gives the delay. Run time itself is not included (it is
// seconds; docs/analytics.md has it), nor is the wait for the next 60-s tick.
import type { QueryApi } from '@influxdata/influxdb-client';
import { runAnomalyTask } from '../../analytics/jobs/anomaly-task.ts';
import { jobOptionsFromConfig } from '../../analytics/jobs/options.ts';
import type { AnomalySeries } from '../../analytics/jobs/points.ts';
import { readAlignedSeries } from '../../analytics/jobs/read.ts';
import { logReturns } from '../../analytics/jobs/series.ts';
import { SETTLE_BUCKETS } from '../../analytics/service/service.ts';
import type { PlantedTruth } from '../../collectors/social/simulate/index.ts';
import type { Config } from '../../src/core/config/load.ts';

export interface DelayStats {
  n: number;
  /** Anomalies never flagged within the candidates tried. */
  missed: number;
  medianS: number;
  p95S: number;
  /** Delay in ms by plantedKey() (Infinity when never flagged live). */
  byStart: Map<string, number>;
}

/** Median and p95 (nearest rank) of the delays flagged; Infinity marks a miss. */
export function summarizeDelays(delaysMs: number[]): Omit<DelayStats, 'byStart'> {
  const ok = delaysMs.filter(Number.isFinite).sort((a, b) => a - b);
  const rank = (q: number): number => (ok.length ? (ok[Math.ceil(q * ok.length) - 1] as number) / 1000 : NaN);
  return { n: delaysMs.length, missed: delaysMs.length - ok.length, medianS: rank(0.5), p95S: rank(0.95) };
}

export function plantedKey(p: PlantedTruth['anomalies'][number]): string {
  return `${p.topic}/${p.kind}/${p.startMs}`;
}

/** Runs tried after an anomaly's first bucket, in buckets: up to 1 h later (each run is a full S-H-ESD). */
const CANDIDATES = [0, 1, 2, 3, 5, 10, 20, 30, 60];

export async function shesdLiveDelays(o: {
  config: Config;
  queryApi: QueryApi;
  histStartMs: number;
  endMs: number;
  planted: PlantedTruth['anomalies'];
}): Promise<DelayStats> {
  const opt = jobOptionsFromConfig(o.config);
  const b = opt.bucketMs;
  const length = (Math.floor(o.endMs / b) * b - o.histStartMs) / b;
  const { series } = await readAlignedSeries(o.queryApi, opt, o.histStartMs, length);
  const byStart = new Map<string, number>();
  for (const p of o.planted) {
    let values: Float64Array | undefined;
    let kind: AnomalySeries;
    let key: string;
    if (p.kind === 'price_jump') {
      kind = 'returns';
      key = p.symbol as string;
      const price = series.prices.get(key);
      values = price && logReturns(price);
    } else {
      kind = p.kind === 'volume_spike' ? 'volume' : 'negative_posts';
      key = p.topic;
      const t = series.topics.get(key);
      values = t && (kind === 'volume' ? t.count : t.neg);
    }
    let delay = Infinity;
    const first = (Math.floor(p.startMs / b) * b - o.histStartMs) / b;
    for (const k of CANDIDATES) {
      if (!values) break;
      // A run covers buckets [end - lookback, end) with end = its own bucket - SETTLE_BUCKETS.
      const end = first + k + 1;
      if (end > length) break;
      const start = Math.max(0, end - opt.anomalies.lookbackBuckets);
      const res = runAnomalyTask({
        series: kind,
        key,
        values: values.slice(start, end),
        startMs: o.histStartMs + start * b,
        bucketMs: b,
        period: opt.anomalies.periodBuckets,
        maxAnoms: opt.anomalies.maxAnoms,
        alpha: opt.anomalies.alpha,
        direction: opt.anomalies.direction,
        minPoints: opt.minPoints,
      });
      if (
        res.kind === 'ok' &&
        res.anomalies.some((a) => a.timeMs >= p.startMs - b && a.timeMs < p.endMs + b)
      ) {
        // The earliest run whose range ends at `end` starts SETTLE_BUCKETS after it.
        delay = o.histStartMs + (end + SETTLE_BUCKETS) * b - p.startMs;
        break;
      }
    }
    byStart.set(plantedKey(p), delay);
  }
  return { ...summarizeDelays([...byStart.values()]), byStart };
}
