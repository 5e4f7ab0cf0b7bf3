// The analytics service: every `analytics.intervalSeconds`, one run over the last `analytics.lookback`
// (and the anomaly lookback), never overlapping, each with a timeout; S-H-ESD in a worker thread;
// every `analytics.streaming.tickSeconds`, the streaming detector over the buckets closed since its
// last run (its own runner, so a long S-H-ESD run never delays a streaming flag);
// /metrics, /healthz and /readyz on `services.analytics`. Used by `cryptocrawler analyze --follow`.
import { join, resolve } from 'node:path';
import { InfluxDB, type QueryApi } from '@influxdata/influxdb-client';
import type { Config } from '../../src/core/config/load.ts';
import { type Logger, silentLogger } from '../../src/core/log.ts';
import { type ServiceRegistry, createServiceRegistry } from '../../src/core/metrics/registry.ts';
import { type HealthServer, startHealthServer } from '../../src/core/metrics/server.ts';
import { InfluxWriter, type PointWriter } from '../../src/core/write/writer.ts';
import { type EsdRunner, WorkerEsdRunner } from '../jobs/esd-runner.ts';
import { analyticsMetrics } from '../jobs/metrics.ts';
import { jobOptionsFromConfig } from '../jobs/options.ts';
import { type RunSummary, runAnalyticsRange } from '../jobs/run.ts';
import {
  STREAMING_STATE_FILE,
  StreamingJob,
  type StreamingRunSummary,
  streamingMetrics,
  streamingSettingsFromConfig,
} from '../jobs/streaming.ts';
import { reportPartition } from './partition-health.ts';
import { PeriodicRunner } from './periodic.ts';

/** Buckets left out at the end of a scheduled run, so the newest (still filling) rollups are not read. */
export const SETTLE_BUCKETS = 1;

export interface AnalyticsServiceOptions {
  config: Config;
  /** Token with read and write on the main bucket (INFLUX_TOKEN or INFLUX_ANALYTICS_TOKEN). */
  token: string;
  log?: Logger;
  metrics?: ServiceRegistry;
  /** Defaults to an InfluxWriter built from config; a given writer is flushed but not closed. */
  writer?: PointWriter;
  queryApi?: QueryApi;
  /** Defaults to a worker thread. */
  esd?: EsdRunner;
  /** Serve /metrics, /healthz, /readyz on services.analytics (default true). */
  serveHealth?: boolean;
  now?: () => number;
  /** Called after every successful run (tests, the demo). */
  onRun?: (summary: RunSummary) => void;
  /** Run the scheduled job (correlation, lag, Granger, S-H-ESD); default true. */
  scheduled?: boolean;
  /** Where the streaming detectors' state is saved (default: the spool dir's sibling `state`, as the collector's). */
  stateDir?: string;
  /** Called after every streaming run that fed at least one bucket or restored the saved state. */
  onStream?: (summary: StreamingRunSummary) => void;
}

export interface AnalyticsService {
  /** Where /metrics is served, if it is. */
  health: HealthServer | undefined;
  /** Runs the scheduled job once now (skipped if one is running); resolves when it ends. */
  runNow(): Promise<void>;
  /** Runs the streaming job once now (skipped if one is running); resolves when it ends. */
  streamNow(): Promise<void>;
  /** Stops the schedule; a run in progress gets `graceMs` to finish, then is aborted; flushes and closes. */
  stop(graceMs?: number): Promise<void>;
}

export async function startAnalyticsService(o: AnalyticsServiceOptions): Promise<AnalyticsService> {
  const config = o.config;
  const options = jobOptionsFromConfig(config); // validates before anything connects
  const log = (o.log ?? silentLogger).child({ component: 'analytics' });
  const registry = o.metrics ?? createServiceRegistry('analytics');
  const m = analyticsMetrics(registry);
  reportPartition(registry, config, options);
  const now = o.now ?? Date.now;
  const a = config.analytics;
  const ownWriter = o.writer === undefined;
  const writer =
    o.writer ??
    new InfluxWriter({
      url: config.influx.url,
      token: o.token,
      org: config.influx.org,
      buckets: { main: config.influx.buckets.main.name, raw: config.influx.buckets.raw.name },
      ...config.influx.write,
      metrics: registry,
      log,
    });
  const queryApi =
    o.queryApi ??
    new InfluxDB({ url: config.influx.url, token: o.token, timeout: a.runTimeoutSeconds * 1000 }).getQueryApi(
      config.influx.org,
    );
  const esd = o.esd ?? new WorkerEsdRunner();
  const streamingOn = a.streaming.enabled;
  const settings = streamingSettingsFromConfig(config); // validates before anything connects
  let succeeded = false;
  let lastError: string | null = null;

  const run = async (signal: AbortSignal): Promise<void> => {
    const started = performance.now();
    const toMs = Math.floor(now() / options.bucketMs) * options.bucketMs - SETTLE_BUCKETS * options.bucketMs;
    const summary = await runAnalyticsRange({
      options,
      queryApi,
      writer,
      esd,
      metrics: m,
      fromMs: toMs - options.lookbackBuckets * options.bucketMs,
      toMs,
      signal,
    });
    await writer.flush();
    m.duration.observe({ job: 'run' }, (performance.now() - started) / 1000);
    m.lastSuccess.set({ job: 'run' }, now() / 1000);
    o.onRun?.(summary);
  };

  const periodic = new PeriodicRunner({
    intervalMs: a.intervalSeconds * 1000,
    timeoutMs: a.runTimeoutSeconds * 1000,
    run,
    onSuccess: () => {
      succeeded = true;
      lastError = null;
      m.runs.inc({ outcome: 'ok' });
    },
    onSkip: () => m.runs.inc({ outcome: 'skipped_overlap' }),
    onError: (err, kind) => {
      lastError = err instanceof Error ? err.message : String(err);
      m.runs.inc({ outcome: kind });
      if (kind !== 'aborted') log.error({ error: lastError, outcome: kind }, 'analytics run failed');
    },
  });

  const sm = streamingMetrics(registry);
  const streaming = streamingOn
    ? new StreamingJob({
        options,
        settings,
        queryApi,
        writer,
        stateFile: join(o.stateDir ?? resolve(config.influx.spool.dir, '..', 'state'), STREAMING_STATE_FILE),
        metrics: sm,
        log,
      })
    : undefined;
  const streamer = new PeriodicRunner({
    intervalMs: settings.tickMs,
    timeoutMs: a.runTimeoutSeconds * 1000,
    run: async (signal) => {
      if (!streaming) return;
      const summary = await streaming.run(now(), signal);
      if (summary.liveBuckets + summary.warmupBuckets > 0 || summary.restored) o.onStream?.(summary);
    },
    onSuccess: () => sm.runs.inc({ outcome: 'ok' }),
    onSkip: () => sm.runs.inc({ outcome: 'skipped_overlap' }),
    onError: (err, kind) => {
      sm.runs.inc({ outcome: kind });
      if (kind !== 'aborted')
        log.error(
          { error: err instanceof Error ? err.message : String(err), outcome: kind },
          'streaming anomaly run failed',
        );
    },
  });

  const health =
    o.serveHealth === false
      ? undefined
      : await startHealthServer({
          host: config.services.analytics.host,
          port: config.services.analytics.port,
          registry: registry.registry,
          readiness: () =>
            !succeeded
              ? lastError
                ? `last run failed: ${lastError}`
                : 'no run finished yet'
              : writer.failing()
                ? 'writes failing'
                : null,
        });
  if (o.scheduled ?? true) periodic.start();
  if (streaming) streamer.start();
  log.info(
    { intervalSeconds: a.intervalSeconds, lookback: a.lookback, streaming: streamingOn },
    'analytics service started',
  );

  return {
    health,
    runNow: () => periodic.tick(),
    streamNow: () => streamer.tick(),
    stop: async (graceMs = 5000) => {
      await Promise.all([periodic.stop(graceMs), streamer.stop(graceMs)]);
      await esd.close();
      if (ownWriter) await writer.close();
      else await writer.flush();
      await health?.close();
    },
  };
}
