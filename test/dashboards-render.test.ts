// `dashboards render` end to end: seeded points in the real influxd, a real Prometheus scraping real
// collector and analytics registries, every panel query run with Grafana's macros, the page written,
// then opened in headless Chromium (shipped inside an npm package: @sparticuz/chromium with
// puppeteer-core, no system package). Every panel must have drawn data; screenshots of each
// dashboard are saved under $DASHBOARD_SCREENSHOTS or the temp dir, and their paths printed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsMetrics } from '../analytics/jobs/metrics.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { streamMetrics } from '../collectors/social/stream-metrics.ts';
import { renderDashboards, type RenderResult } from '../grafana/render/index.ts';
import { DEFAULT_SETTINGS } from '../grafana/src/settings.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { loadConfigFile } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { startHealthServer, type HealthServer } from '../src/core/metrics/server.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import {
  resolvePrometheus,
  startLocalPrometheus,
  type LocalPrometheus,
} from '../src/prometheus/local-server.ts';
import {
  inspectPage,
  launchChromium,
  misplaced,
  overlaps,
  screenshotDashboards,
} from './helpers/dashboards-page.ts';
import { grafanaSeed } from './helpers/grafana-seed.ts';
import { freshBuckets, influxEnv, testWriter } from './helpers/influx.ts';

const NOW = Date.now();
const RENDERED = ['overview', 'coin', 'correlationLag', 'collectorHealth', 'runbook'] as const;
let prom: LocalPrometheus;
const servers: HealthServer[] = [];
let writer: InfluxWriter;
let failing: InfluxWriter;
let stateDir: string;
let result: RenderResult;
let browser: Browser | undefined;
const shots =
  process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), `cryptocrawler-dashboards-${NOW.toString(36)}`);

async function until(what: string, f: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  const started = Date.now();
  const buckets = await freshBuckets('render');
  const settings = { ...DEFAULT_SETTINGS, buckets };
  const w = testWriter(buckets);
  for (const pair of [{}, { coin: 'ETH', topic: 'ethereum', volumeFactor: 0.5 }]) {
    const seed = grafanaSeed({ now: NOW, weekAgoFactor: 0.8, ...pair });
    w.write('main', seed.main);
    w.write('raw', seed.raw);
  }
  await w.close();

  // The collector's and the analytics service's real metrics, served and scraped.
  const config = loadConfigFile('config.yaml', SOURCE_SCHEMAS);
  const reg = createServiceRegistry('collector', { defaultMetrics: false });
  writer = testWriter(buckets, { metrics: reg });
  failing = testWriter(buckets, { metrics: reg, token: 'not-a-valid-token', maxRetryTimeMs: 200 });
  stateDir = mkdtempSync(join(tmpdir(), 'cc-render-'));
  const ctx = buildSourceContext({ config, writer, metrics: reg, stateDir });
  const stream = streamMetrics(reg, 'x');
  stream.setState('running');
  const areg = createServiceRegistry('analytics', { defaultMetrics: false });
  const am = analyticsMetrics(areg);
  am.skipped.inc({ job: 'lag', reason: 'too_few_points' });
  servers.push(await startHealthServer({ host: '127.0.0.1', port: 0, registry: reg.registry }));
  servers.push(await startHealthServer({ host: '127.0.0.1', port: 0, registry: areg.registry }));
  prom = await startLocalPrometheus({
    binary: resolvePrometheus({ build: false }),
    jobs: [
      { name: settings.jobs.collector, targets: [`127.0.0.1:${servers[0]!.port}`] },
      { name: settings.jobs.analytics, targets: [`127.0.0.1:${servers[1]!.port}`] },
    ],
    scrapeIntervalS: 1,
  });
  // Activity while Prometheus scrapes, so every rate and quantile has samples that change.
  for (let i = 0; i < 8; i++) {
    ctx.social.ingest('x', {
      id: `p${i}`,
      text: `Bitcoin to the moon ${i}, bullish!`,
      createdAtMs: Date.now(),
      langs: ['en'],
    });
    if (i === 3) ctx.social.ingest('x', { id: 'bad', text: 42 });
    ctx.social.tick(true);
    stream.event(Date.now());
    if (i % 3 === 0) stream.reconnect('network');
    am.duration.observe({ job: 'correlation' }, 0.1 + i / 20);
    am.lastSuccess.set({ job: 'correlation' }, Date.now() / 1000);
    failing.write('main', `social,source=x,topic=bitcoin count=${i}i`);
    await writer.flush();
    await failing.flush().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await until('two scrapes of both targets', async () => {
    const r = await prom.query('count_over_time(up[1m])');
    return r.length === 2 && r.every((s) => s.value >= 3);
  });
  const env = influxEnv();
  result = await renderDashboards({
    settings,
    influx: { url: env.url, token: env.adminToken, org: env.org },
    prometheusUrl: prom.url,
    scrapeSeconds: 1,
    out: mkdtempSync(join(tmpdir(), 'cc-render-out-')),
    rangeSeconds: 3 * 3600,
    now: new Date(),
    // The dashboards whose measurements the seed writes (trends.json, issue 13, reads its own).
    only: [...RENDERED],
  });
  process.stderr.write(
    `[dashboards-render] data and page ready in ${Date.now() - started} ms (render ${result.ms} ms)\n`,
  );
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await prom?.stop();
  for (const s of servers) await s.close().catch(() => undefined);
  await failing?.close(500);
  await writer?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('dashboards render', () => {
  it('runs every panel query: none fails, none is empty on the seeded data', () => {
    expect(result.empty).toEqual([]);
    const keys = result.dashboards.map((d) => d.key);
    expect(keys).toEqual(
      expect.arrayContaining(['overview', 'coin', 'correlationLag', 'collectorHealth', 'runbook']),
    );
    const html = readFileSync(result.page, 'utf8');
    // Self-contained: uPlot and the data inline, nothing fetched.
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('draws every panel in headless Chromium, at its grid position without overlap, stacks stacked', async () => {
    const t0 = Date.now();
    browser = await launchChromium();
    const { page, panels, errors } = await inspectPage(browser, result.page);
    expect(errors).toEqual([]);
    const expected = result.dashboards.reduce((a, d) => a + d.panels.length, 0);
    expect(panels.length).toBe(expected);
    expect(panels.filter((p) => p.status !== 'ok')).toEqual([]);
    for (const p of panels) {
      expect(p.points, p.title).toBeGreaterThan(0);
      expect(p.box.width, p.title).toBeGreaterThan(50);
      if (['timeseries', 'trend', 'barchart'].includes(p.type)) expect(p.ink, p.title).toBeGreaterThan(500);
      expect(p.stackErrors, p.title).toEqual([]);
    }
    expect(overlaps(panels)).toEqual([]);
    expect(misplaced(panels)).toEqual([]);
    // The seed writes two coin topics and two sources: the stacked panels really stack.
    const stacked = (title: string) => panels.find((p) => p.title === title)!.stacked;
    expect(stacked('Posts per coin topic')).toBe(2);
    expect(stacked('Sentiment of ${topic}: positive, negative, neutral')).toBe(3);
    const saved = await screenshotDashboards(
      page,
      result.dashboards.map((d) => d.uid),
      shots,
    );
    process.stderr.write(
      `[dashboards-render] ${panels.length} panels drawn in Chromium in ${Date.now() - t0} ms; screenshots:\n  ${saved.join('\n  ')}\n`,
    );
  }, 60_000);
});
