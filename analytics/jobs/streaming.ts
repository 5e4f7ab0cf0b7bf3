// The streaming anomaly job (I/O edge): on every tick, read the buckets closed since the last one fed,
// feed them to one streaming detector per series (streaming-state.ts) in time order, write an
// `anomaly` point (method=streaming) per flag, flush, then save the detectors' state atomically.
//
// A bucket [t, t + bucket) is closed once `settleSeconds` have passed after its end: the collector
// writes a rollup `grace` (5 s) after the interval ends and its writer flushes every second, so the
// default 7 s leaves one second to spare and the flag is written about 8 s after the bucket's end.
//
// Restart: points are flushed before the state that covers them is saved, so a kill at any moment
// either repeats the last buckets (the same points again, same timestamps and tags: idempotent) or
// nothing. Without a state file (first start, or it does not fit the config), the detectors warm up on
// the last `warmup` of history read from InfluxDB, writing nothing for it (S-H-ESD covers the past).
import { readFileSync } from 'node:fs';
import type { QueryApi } from '@influxdata/influxdb-client';
import type { Config } from '../../src/core/config/load.ts';
import { parseDurationSeconds } from '../../src/core/config/duration.ts';
import { type Logger, silentLogger } from '../../src/core/log.ts';
import type { ServiceRegistry } from '../../src/core/metrics/registry.ts';
import type { PointWriter } from '../../src/core/write/writer.ts';
import type { JobOptions } from './options.ts';
import { streamingAnomalyLine } from './points.ts';
import { readAlignedSeries } from './read.ts';
import {
  type StreamingFlag,
  StreamingDetectors,
  type StreamingSeriesId,
  bucketValues,
  streamingSeries,
} from './streaming-state.ts';
import { writeFileAtomic } from '../../src/core/state-file.ts';

/** At most this many buckets are read in one query while catching up; state is saved after each. */
export const STREAMING_CHUNK_BUCKETS = 1440;
export const STREAMING_STATE_FILE = 'streaming.json';

export interface StreamingSettings {
  tickMs: number;
  settleMs: number;
  warmupBuckets: number;
}

export function streamingSettingsFromConfig(config: Config): StreamingSettings {
  const s = config.analytics.streaming;
  const bs = config.analytics.bucketSeconds;
  const warm = parseDurationSeconds(s.warmup);
  if (warm === undefined || warm % bs !== 0)
    throw new RangeError(
      `analytics.streaming.warmup: "${s.warmup}" is not a whole number of ${bs}-second buckets`,
    );
  return { tickMs: s.tickSeconds * 1000, settleMs: s.settleSeconds * 1000, warmupBuckets: warm / bs };
}

export function streamingMetrics(reg: ServiceRegistry) {
  return {
    series: reg.gauge('analytics_streaming_series', 'Series the streaming detector watches.'),
    buckets: reg.counter(
      'analytics_streaming_buckets_total',
      'Closed buckets fed to the streaming detectors, by phase (live, warmup).',
      ['phase'],
    ),
    flags: reg.counter(
      'analytics_streaming_flags_total',
      'Streaming anomaly points written, by series and kind.',
      ['series', 'kind'],
    ),
    stateSaves: reg.counter(
      'analytics_streaming_state_saves_total',
      'Detector state saves, by outcome (ok, error).',
      ['outcome'],
    ),
    detectorSeconds: reg.histogram(
      'analytics_streaming_detector_seconds',
      'Time the detectors took for one read of closed buckets (all series).',
      [],
      [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    ),
    delay: reg.histogram(
      'analytics_streaming_delay_seconds',
      'From the end of the newest bucket fed to its points being flushed (live runs only).',
      [],
      [1, 2, 5, 7, 8, 9, 10, 15, 30, 60, 120],
    ),
    runs: reg.counter(
      'analytics_streaming_runs_total',
      'Streaming ticks, by outcome (ok, error, timeout, skipped_overlap, aborted).',
      ['outcome'],
    ),
    nextBucket: reg.gauge(
      'analytics_streaming_next_bucket_timestamp_seconds',
      'Start of the first bucket the streaming detectors have not seen yet.',
    ),
  };
}

export type StreamingMetrics = ReturnType<typeof streamingMetrics>;

export interface StreamingJobOptions {
  options: JobOptions;
  settings: StreamingSettings;
  queryApi: QueryApi;
  writer: PointWriter;
  /** Where the detectors' state is kept; null keeps it in memory only (a restart warms up). */
  stateFile: string | null;
  metrics?: StreamingMetrics;
  log?: Logger;
  /** Wall clock for the delay metric (the run's `nowMs` may be simulated). */
  clock?: () => number;
}

export interface StreamingRunSummary {
  /** Buckets fed in this run: warm-up (nothing written) and live. */
  warmupBuckets: number;
  liveBuckets: number;
  flags: StreamingFlag[];
  /** First bucket not yet fed after the run. */
  nextBucketMs: number;
  restored: boolean;
}

interface SavedState {
  /** The state is only reused for the same bucket and series set. */
  bucket: string;
  /** Buckets before this one are warm-up: fed, never written (kept so a warm-up cut short resumes as one). */
  warmUntilMs: number;
  state: unknown;
}

export class StreamingJob {
  private detectors: StreamingDetectors | undefined;
  private warmUntilMs = -Infinity;
  private readonly ids: StreamingSeriesId[];
  private readonly log: Logger;
  private readonly clock: () => number;

  constructor(private readonly o: StreamingJobOptions) {
    this.ids = streamingSeries(o.options.topics, o.options.symbols);
    this.log = o.log ?? silentLogger;
    this.clock = o.clock ?? Date.now;
    o.metrics?.series.set(this.ids.length);
  }

  /** Start of the first bucket not closed at `nowMs` (every bucket before it is closed). */
  closedEnd(nowMs: number): number {
    const b = this.o.options.bucketMs;
    return Math.floor((nowMs - this.o.settings.settleMs) / b) * b;
  }

  /** Feeds every bucket closed at `nowMs` that the detectors have not seen yet. */
  async run(nowMs: number, signal?: AbortSignal): Promise<StreamingRunSummary> {
    const b = this.o.options.bucketMs;
    const end = this.closedEnd(nowMs);
    const summary: StreamingRunSummary = {
      warmupBuckets: 0,
      liveBuckets: 0,
      flags: [],
      nextBucketMs: end,
      restored: false,
    };
    if (!this.detectors) {
      const loaded = this.load(end);
      summary.restored = loaded !== undefined;
      if (loaded) [this.detectors, this.warmUntilMs] = loaded;
      else {
        this.detectors = StreamingDetectors.create(this.ids, b, end - this.o.settings.warmupBuckets * b);
        this.warmUntilMs = end;
      }
    }
    if (this.detectors.nextBucketMs < this.warmUntilMs) {
      const until = Math.min(end, this.warmUntilMs);
      summary.warmupBuckets = await this.feedUntil(until, false, signal, summary);
      if (until === this.warmUntilMs)
        this.log.info(
          { buckets: summary.warmupBuckets, series: this.ids.length },
          'streaming detectors warmed up from InfluxDB history',
        );
    }
    summary.liveBuckets = await this.feedUntil(end, true, signal, summary);
    summary.nextBucketMs = this.detectors.nextBucketMs;
    return summary;
  }

  /** Reads and feeds [next, end) in chunks; writes flags (when `write`), flushes and saves after each. */
  private async feedUntil(
    end: number,
    write: boolean,
    signal: AbortSignal | undefined,
    summary: StreamingRunSummary,
  ): Promise<number> {
    const d = this.detectors as StreamingDetectors;
    const b = this.o.options.bucketMs;
    const m = this.o.metrics;
    let fed = 0;
    while (d.nextBucketMs < end) {
      signal?.throwIfAborted();
      const from = d.nextBucketMs;
      const to = Math.min(end, from + STREAMING_CHUNK_BUCKETS * b);
      // One bucket more in front: the first return needs the price before it.
      const length = (to - from) / b + 1;
      const { series } = await readAlignedSeries(
        this.o.queryApi,
        this.o.options,
        from - b,
        length,
        signal,
        false,
      );
      const values = bucketValues(series, this.ids);
      const t0 = performance.now();
      const flags = d.feed(values, from - b, 1, length);
      m?.detectorSeconds.observe((performance.now() - t0) / 1000);
      m?.buckets.inc({ phase: write ? 'live' : 'warmup' }, length - 1);
      fed += length - 1;
      if (write) {
        const lines: string[] = [];
        for (const f of flags) {
          // A flag without a finite value or expectation (a warm-up edge) has nothing to write.
          const line = this.line(f);
          if (!line) continue;
          lines.push(line);
          m?.flags.inc({ series: f.series, kind: f.verdict.kind ?? 'unknown' });
        }
        if (lines.length > 0) this.o.writer.write('main', lines);
        summary.flags.push(...flags);
        await this.o.writer.flush();
        // Only a run that reached the newest closed bucket measures the delay of live detection.
        if (to === end && to - from <= 2 * b) m?.delay.observe((this.clock() - to) / 1000);
      }
      this.save();
      m?.nextBucket.set(d.nextBucketMs / 1000);
    }
    return fed;
  }

  private line(f: StreamingFlag): string | undefined {
    const finite = (x: number): boolean => Number.isFinite(x);
    if (!finite(f.value) || !finite(f.verdict.expected)) return undefined;
    return streamingAnomalyLine(
      {
        series: f.series,
        key: f.key,
        timeMs: f.timeMs,
        value: f.value,
        expected: f.verdict.expected,
        score: finite(f.verdict.score) ? f.verdict.score : 0,
        kind: f.verdict.kind,
        onset: f.onset,
      },
      this.o.options.bucketSeconds,
    );
  }

  /** The saved detectors, unless missing, unreadable, for another bucket or config, or ahead of `end`. */
  private load(end: number): [StreamingDetectors, number] | undefined {
    const file = this.o.stateFile;
    if (!file) return undefined;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const saved = JSON.parse(text) as Partial<SavedState>;
      if (saved.bucket !== this.o.options.bucket) {
        this.log.warn({ file, bucket: saved.bucket }, 'streaming state is for another bucket; warming up');
        return undefined;
      }
      const d = StreamingDetectors.restore(saved.state, this.ids, this.o.options.bucketMs);
      if (!d) this.log.warn({ file }, 'streaming state does not fit the config; warming up');
      // A state ahead of the clock (a clock set back, a file from elsewhere) would hold every flag back
      // until then: start afresh instead.
      if (d && d.nextBucketMs > end) {
        this.log.warn(
          { file, nextBucket: new Date(d.nextBucketMs).toISOString() },
          'streaming state is ahead of the clock; warming up',
        );
        return undefined;
      }
      return d && [d, typeof saved.warmUntilMs === 'number' ? saved.warmUntilMs : -Infinity];
    } catch (err) {
      this.log.warn({ file, err: String(err) }, 'streaming state unreadable; warming up');
      return undefined;
    }
  }

  private save(): void {
    const file = this.o.stateFile;
    if (!file || !this.detectors) return;
    try {
      const saved: SavedState = {
        bucket: this.o.options.bucket,
        warmUntilMs: this.warmUntilMs,
        state: this.detectors.snapshot(),
      };
      writeFileAtomic(file, JSON.stringify(saved));
      this.o.metrics?.stateSaves.inc({ outcome: 'ok' });
    } catch (err) {
      this.o.metrics?.stateSaves.inc({ outcome: 'error' });
      this.log.error({ err: String(err), file }, 'could not save streaming detector state');
    }
  }
}
