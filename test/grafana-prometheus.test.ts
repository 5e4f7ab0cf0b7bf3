// Every PromQL expression of the Collector health dashboard and of the alert rules runs against a
// real Prometheus scraping a real, running collector-like service (registry, /metrics server, an
// InfluxWriter on the real influxd, the social pipeline ingesting posts) and the analytics metrics.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DURATION_JOBS, analyticsMetrics } from '../analytics/jobs/metrics.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { streamMetrics } from '../collectors/social/stream-metrics.ts';
import { alertSpecs, fires, type AlertSpec } from '../grafana/src/alerts.ts';
import { catalog } from '../grafana/src/catalog.ts';
import { buildDashboards } from '../grafana/src/generate.ts';
import { DEFAULT_SETTINGS } from '../grafana/src/settings.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { loadConfigFile } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { startHealthServer, type HealthServer } from '../src/core/metrics/server.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { freshBuckets, testWriter } from './helpers/influx.ts';
import { startPrometheus, type PrometheusHandle, type PromSample } from './helpers/prometheus.ts';

/** What Grafana puts in for $__rate_interval with a 1 s scrape interval and a short range. */
const RATE_INTERVAL = '1m';

let prom: PrometheusHandle;
let collectorHealth: HealthServer;
let analyticsHealth: HealthServer;
let writer: InfluxWriter;
let failing: InfluxWriter;
let stateDir: string;
let setLastSuccess: (seconds: number) => void;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  const started = Date.now();
  const config = loadConfigFile('config.yaml', SOURCE_SCHEMAS);
  const buckets = await freshBuckets('grafana_prom');
  const reg = createServiceRegistry('collector', { defaultMetrics: false });
  writer = testWriter(buckets, { metrics: reg });
  // A second writer with a wrong token: a real write failure (401 from influxd), counted by class.
  failing = testWriter(buckets, { metrics: reg, token: 'not-a-valid-token', maxRetryTimeMs: 200 });
  stateDir = mkdtempSync(join(tmpdir(), 'cc-grafana-prom-'));
  const ctx = buildSourceContext({ config, writer, metrics: reg, stateDir });
  const now = Date.now();
  const texts = [
    'Bitcoin to the moon, bullish!',
    'ETH gas fees are a scam',
    'sats stacking, HODL btc',
    'crypto is rekt',
  ];
  texts.forEach((text, i) =>
    ctx.social.ingest('x', { id: `p${i}`, text, createdAtMs: now - i * 1000, langs: ['en'] }),
  );
  ctx.social.ingest('x', { id: 'bad', text: 42 });
  ctx.social.tick(true);
  const stream = streamMetrics(reg, 'x');
  stream.setState('running');
  stream.event(now);
  stream.reconnect('network');
  failing.write('main', 'social,source=x,topic=bitcoin count=1i');
  await writer.flush();
  await failing.flush().catch(() => undefined);
  collectorHealth = await startHealthServer({ host: '127.0.0.1', port: 0, registry: reg.registry });

  const areg = createServiceRegistry('analytics', { defaultMetrics: false });
  const am = analyticsMetrics(areg);
  am.duration.observe({ job: 'correlation' }, 0.2);
  am.duration.observe({ job: 'correlation' }, 0.4);
  am.skipped.inc({ job: 'lag', reason: 'too_few_points' });
  setLastSuccess = (s) => am.lastSuccess.set({ job: 'correlation' }, s);
  setLastSuccess(now / 1000);
  analyticsHealth = await startHealthServer({ host: '127.0.0.1', port: 0, registry: areg.registry });

  prom = await startPrometheus({
    jobs: [
      { name: DEFAULT_SETTINGS.jobs.collector, targets: [`127.0.0.1:${collectorHealth.port}`] },
      { name: DEFAULT_SETTINGS.jobs.analytics, targets: [`127.0.0.1:${analyticsHealth.port}`] },
    ],
  });
  // Rates need two scrapes of each target.
  await until('two scrapes of both targets', async () => {
    const r = await prom.query('count_over_time(up[1m])');
    return r.length === 2 && r.every((s) => s.value >= 3) ? true : undefined;
  });
  process.stderr.write(`[grafana-prometheus] services and prometheus ready in ${Date.now() - started} ms\n`);
});

afterAll(async () => {
  await prom?.stop();
  await collectorHealth?.close().catch(() => undefined);
  await analyticsHealth?.close();
  await failing?.close(500);
  await writer?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('Collector health dashboard against a real Prometheus', () => {
  it('every expression is valid PromQL and returns series from the running services', async () => {
    const entries = catalog(buildDashboards(DEFAULT_SETTINGS).collectorHealth);
    expect(entries.length).toBe(14);
    const empty: string[] = [];
    for (const e of entries) {
      expect(e.lang).toBe('promql');
      const r = await prom.query(e.query.replaceAll('$__rate_interval', RATE_INTERVAL));
      // None may be empty: the writer exports its drop reasons and error classes at 0 from the start.
      if (r.length === 0) empty.push(`${e.where}: ${e.query}`);
    }
    expect(empty).toEqual([]);
  });

  it('shows the real values: posts accepted per source, the dropped post, the reconnect and the job label', async () => {
    const q = (expr: string) => prom.query(expr);
    const received = await q('sum by (source) (cryptocrawler_posts_received_total)');
    expect(received).toEqual([{ metric: { source: 'x' }, value: expect.any(Number) }]);
    expect(received[0]!.value).toBeGreaterThanOrEqual(4);
    expect((await q('sum by (reason) (cryptocrawler_posts_dropped_total)'))[0]?.value).toBe(1);
    expect(await q('cryptocrawler_stream_reconnects_total')).toMatchObject([
      { metric: { source: 'x', reason: 'network', service: 'collector', job: 'collector' }, value: 1 },
    ]);
    // honor_labels keeps the analytics job name in `job` instead of renaming it to exported_job.
    const dur = await q('sum by (job) (cryptocrawler_analytics_job_duration_seconds_count)');
    // Every job is exported from the start (at 0 runs), so rate() sees a job's first run.
    expect(dur.find((d) => d.metric.job === 'correlation')?.value).toBe(2);
    expect(dur.map((d) => d.metric.job).sort()).toEqual([...DURATION_JOBS].sort());
    expect(dur.filter((d) => d.metric.job !== 'correlation').map((d) => d.value)).toEqual([0, 0, 0, 0, 0]);
    // The reconnect total is 0, not "no data", where no stream source runs (a family never created).
    expect(await q('sum(rate(cryptocrawler_no_stream_reconnects_total[1m])) or on() vector(0)')).toEqual([
      { metric: {}, value: 0 },
    ]);
    const up = await q('up');
    expect(up.map((s) => [s.metric.job, s.value]).sort()).toEqual([
      ['analytics', 1],
      ['collector', 1],
    ]);
  });
});

describe('Prometheus alert rules against a real Prometheus', () => {
  const specs = alertSpecs(DEFAULT_SETTINGS).filter((a) => a.lang === 'promql');
  const spec = (uid: string): AlertSpec => specs.find((s) => s.uid === `cryptocrawler-${uid}`)!;
  const anyFires = (s: AlertSpec, r: PromSample[]) => r.some((x) => fires(s, x.value));

  it('evaluate on the healthy stack: only "writes failing" fires (the wrong-token writer)', async () => {
    expect(specs.map((s) => s.uid)).toEqual([
      'cryptocrawler-collector-down',
      'cryptocrawler-stream-silent',
      'cryptocrawler-writes-failing',
      'cryptocrawler-analytics-stale',
    ]);
    // Errors that keep coming: one more failed write after Prometheus has scraped the first one.
    failing.write('main', 'social,source=x,topic=bitcoin count=2i');
    await failing.flush().catch(() => undefined);
    await until('the second write error to be scraped', async () => {
      const v = await prom.query(spec('writes-failing').query);
      return anyFires(spec('writes-failing'), v) ? true : undefined;
    });
    const state: Record<string, boolean> = {};
    for (const s of specs) {
      const r = await prom.query(s.query);
      expect(r.length, s.title).toBeGreaterThan(0);
      state[s.title] = anyFires(s, r);
    }
    expect(state).toEqual({
      'Collector down': false,
      'Stream silent': false,
      'Writes failing': true,
      'Analytics stale': false,
    });
    const errors = await prom.query(spec('writes-failing').query);
    expect(errors[0]!.metric).toEqual({ service: 'collector' });
  });

  it('"analytics stale" fires once the last success is old', async () => {
    setLastSuccess(Date.now() / 1000 - 2 * DEFAULT_SETTINGS.thresholds.analyticsStaleSeconds);
    const s = spec('analytics-stale');
    const r = await until('the old success time to be scraped', async () => {
      const v = await prom.query(s.query);
      return anyFires(s, v) ? v : undefined;
    });
    expect(r[0]!.metric).toEqual({ job: 'correlation' });
  });

  it('"collector down" fires when the collector stops answering', async () => {
    await collectorHealth.close();
    const s = spec('collector-down');
    const r = await until('a failed scrape of the collector', async () => {
      const v = await prom.query(s.query);
      return anyFires(s, v) ? v : undefined;
    });
    expect(r[0]!.value).toBe(1);
    // The alert instance says which job is down (plain max() dropped the label).
    expect(r[0]!.metric).toEqual({ job: DEFAULT_SETTINGS.jobs.collector });
  });

  it('"collector down" also fires, with the job label, when Prometheus has no such target at all', async () => {
    const s = spec('collector-down');
    const missing = s.query.replaceAll(`job="${DEFAULT_SETTINGS.jobs.collector}"`, 'job="no-such-job"');
    const r = await prom.query(missing);
    expect(r).toEqual([{ metric: { job: 'no-such-job' }, value: 1 }]);
  });
});
