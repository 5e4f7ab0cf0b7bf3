// One analytics run over a time range: read the aligned series once, then evaluate correlation, lag
// and Granger at each evaluation time and S-H-ESD per anomaly chunk, and hand the points to the writer.
//
// Evaluation times are bucket boundaries, so a run over the same range always writes the same points:
//   - pairs: at the range end, and (backfill, `stepSeconds` set) at every multiple of the step inside it;
//   - anomalies: chunks of `anomalies.lookback` ending at the range end and stepping back by the same
//     length while they still end after the range start; every anomaly found in a chunk is written.
import type { QueryApi } from '@influxdata/influxdb-client';
import type { PointWriter } from '../../src/core/write/writer.ts';
import type { AnomalyTask } from './anomaly-task.ts';
import type { EsdRunner } from './esd-runner.ts';
import { type JobName, type Skip, evaluatePairsAt, pairSignals } from './evaluate-pairs.ts';
import type { AnalyticsMetrics } from './metrics.ts';
import { type JobOptions } from './options.ts';
import { anomalyLine } from './points.ts';
import { type ReadStats, readAlignedSeries } from './read.ts';
import { logReturns } from './series.ts';

export interface RunRangeOptions {
  options: JobOptions;
  queryApi: QueryApi;
  writer: PointWriter;
  esd: EsdRunner;
  metrics?: AnalyticsMetrics;
  fromMs: number;
  toMs: number;
  /** Backfill: also evaluate pairs at every multiple of this many seconds inside the range. */
  stepSeconds?: number;
  /** Skip the cross-correlation curve (`xcorr` points) at all but the last evaluation time. */
  curveOnlyAtEnd?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface RunSummary {
  fromMs: number;
  toMs: number;
  evaluations: number;
  anomalyChunks: number;
  points: Record<JobName, number>;
  skipped: Record<string, number>;
  read: ReadStats;
}

const JOBS: JobName[] = ['correlation', 'lag', 'granger', 'anomalies'];

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

/** The evaluation times and anomaly chunk ends of a range (see the file comment). Pure. */
export function planRange(
  o: JobOptions,
  fromMs: number,
  toMs: number,
  stepSeconds?: number,
): { endMs: number; ticks: number[]; chunkEnds: number[]; readStartMs: number } {
  const endMs = floorTo(toMs, o.bucketMs);
  const startMs = Math.min(floorTo(fromMs, o.bucketMs), endMs);
  const ticks: number[] = [];
  if (stepSeconds !== undefined) {
    const stepMs = Math.max(o.bucketMs, floorTo(stepSeconds * 1000, o.bucketMs));
    for (let t = floorTo(startMs, stepMs) + stepMs; t < endMs; t += stepMs) if (t > startMs) ticks.push(t);
  }
  ticks.push(endMs);
  const chunkMs = o.anomalies.lookbackBuckets * o.bucketMs;
  const chunkEnds: number[] = [];
  for (let e = endMs; chunkEnds.length === 0 || e > startMs; e -= chunkMs) chunkEnds.unshift(e);
  const pairHistoryMs = (Math.max(o.lookbackBuckets, ...o.windows.map((w) => w.buckets)) + 1) * o.bucketMs;
  const readStartMs = Math.min(
    (ticks[0] as number) - pairHistoryMs,
    (chunkEnds[0] as number) - chunkMs - o.bucketMs,
  );
  return { endMs, ticks, chunkEnds, readStartMs };
}

function anomalyTasks(
  o: JobOptions,
  series: Awaited<ReturnType<typeof readAlignedSeries>>['series'],
  returns: Map<string, Float64Array>,
  chunkEndMs: number,
): AnomalyTask[] {
  const end = (chunkEndMs - series.startMs) / series.bucketMs;
  const start = Math.max(0, end - o.anomalies.lookbackBuckets);
  const base = {
    startMs: series.startMs + start * series.bucketMs,
    bucketMs: series.bucketMs,
    period: o.anomalies.periodBuckets,
    maxAnoms: o.anomalies.maxAnoms,
    alpha: o.anomalies.alpha,
    direction: o.anomalies.direction,
    minPoints: o.minPoints,
  };
  const tasks: AnomalyTask[] = [];
  for (const [topic, t] of series.topics) {
    tasks.push({ ...base, series: 'volume', key: topic, values: t.count.slice(start, end) });
    tasks.push({ ...base, series: 'negative_posts', key: topic, values: t.neg.slice(start, end) });
  }
  for (const [symbol, r] of returns)
    tasks.push({ ...base, series: 'returns', key: symbol, values: r.slice(start, end) });
  return tasks;
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function runAnalyticsRange(r: RunRangeOptions): Promise<RunSummary> {
  const o = r.options;
  const m = r.metrics;
  const plan = planRange(o, r.fromMs, r.toMs, r.stepSeconds);
  const total = 1 + plan.ticks.length + plan.chunkEnds.length;
  let done = 0;
  const points: Record<JobName, number> = { correlation: 0, lag: 0, granger: 0, anomalies: 0 };
  const skipped: Record<string, number> = {};
  const jobMs: Record<JobName | 'read', number> = {
    read: 0,
    correlation: 0,
    lag: 0,
    granger: 0,
    anomalies: 0,
  };
  const countSkips = (list: Skip[]): void => {
    for (const s of list) {
      const key = `${s.job}:${s.reason}`;
      skipped[key] = (skipped[key] ?? 0) + 1;
      m?.skipped.inc({ job: s.job, reason: s.reason });
    }
  };
  const emit = (job: JobName, lines: string[]): void => {
    if (lines.length === 0) return;
    r.writer.write('main', lines);
    points[job] += lines.length;
    m?.pointsWritten.inc({ job }, lines.length);
  };

  let t0 = performance.now();
  const length = (plan.endMs - plan.readStartMs) / o.bucketMs;
  const { series, stats } = await readAlignedSeries(r.queryApi, o, plan.readStartMs, length, r.signal);
  jobMs.read = performance.now() - t0;
  r.onProgress?.(++done, total, 'read');

  const { pairs, skipped: pairSkips } = pairSignals(series, o);
  for (const tick of plan.ticks) {
    r.signal?.throwIfAborted();
    if (pairSkips.length > 0) countSkips(pairSkips);
    const endIndex = (tick - series.startMs) / o.bucketMs;
    const withCurve = !r.curveOnlyAtEnd || tick === plan.endMs;
    const res = evaluatePairsAt(series, pairs, endIndex, o, withCurve);
    for (const { job, lines } of res.out) emit(job, lines);
    countSkips(res.skipped);
    jobMs.correlation += res.ms.correlation;
    jobMs.lag += res.ms.lag;
    jobMs.granger += res.ms.granger;
    r.onProgress?.(++done, total, `pairs @ ${new Date(tick).toISOString()}`);
    // Long backfills stay responsive: /metrics, the writer's flushes and aborts get their turn.
    await yieldToLoop();
  }

  const returns = new Map<string, Float64Array>([...series.prices].map(([s, p]) => [s, logReturns(p)]));
  for (const chunkEnd of plan.chunkEnds) {
    r.signal?.throwIfAborted();
    t0 = performance.now();
    const tasks = anomalyTasks(o, series, returns, chunkEnd);
    const results = await r.esd.run(tasks, r.signal);
    const lines: string[] = [];
    results.forEach((res) => {
      if (res.kind === 'skipped') countSkips([{ job: 'anomalies', reason: res.reason }]);
      else for (const a of res.anomalies) lines.push(anomalyLine(a, o.bucketSeconds));
    });
    emit('anomalies', lines);
    jobMs.anomalies += performance.now() - t0;
    r.onProgress?.(++done, total, `anomalies @ ${new Date(chunkEnd).toISOString()}`);
  }

  if (m) {
    const nowS = Date.now() / 1000;
    m.duration.observe({ job: 'read' }, jobMs.read / 1000);
    m.lastSuccess.set({ job: 'read' }, nowS);
    for (const job of JOBS) {
      m.duration.observe({ job }, jobMs[job] / 1000);
      m.lastSuccess.set({ job }, nowS);
    }
  }
  return {
    fromMs: plan.readStartMs,
    toMs: plan.endMs,
    evaluations: plan.ticks.length,
    anomalyChunks: plan.chunkEnds.length,
    points,
    skipped,
    read: stats,
  };
}
