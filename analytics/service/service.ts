// The analytics service: every `analytics.intervalSeconds`, one run over the last `analytics.lookback`
// (and the anomaly lookback), never overlapping, each with a timeout; S-H-ESD in a worker thread;
// /metrics, /healthz and /readyz on `services.analytics`. Used by `cryptocrawler analyze --follow`.
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
}

export interface AnalyticsService {
  /** Where /metrics is served, if it is. */
  health: HealthServer | undefined;
  /** Runs the scheduled job once now (skipped if one is running); resolves when it ends. */
  runNow(): Promise<void>;
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
  periodic.start();
  log.info({ intervalSeconds: a.intervalSeconds, lookback: a.lookback }, 'analytics service started');

  return {
    health,
    runNow: () => periodic.tick(),
    stop: async (graceMs = 5000) => {
      await periodic.stop(graceMs);
      await esd.close();
      if (ownWriter) await writer.close();
      else await writer.flush();
      await health?.close();
    },
  };
}
