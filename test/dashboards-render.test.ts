// `dashboards render` end to end: seeded points in the real influxd, a real Prometheus scraping real
// collector and analytics registries, every panel query run with Grafana's macros, the page written,
// then opened in headless Chromium (shipped inside an npm package: @sparticuz/chromium with
// puppeteer-core, no system package). Every panel must have drawn data; screenshots of each
// dashboard are saved under $DASHBOARD_SCREENSHOTS or the temp dir, and their paths printed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';
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

/** The DOM parts the page check reads (the test's tsconfig has no DOM library). */
interface PanelElement {
  dataset: Record<string, string | undefined>;
  offsetWidth: number;
  querySelector(s: string): unknown;
  closest(s: string): { id: string } | null;
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(k: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

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

  it('draws every panel in headless Chromium, at its grid position, with data', async () => {
    const t0 = Date.now();
    browser = await puppeteer.launch({
      executablePath: await chromium.executablePath(),
      // An explicit locale: from a POSIX environment Chromium's default ("en-US@posix") breaks Intl.
      args: [...chromium.args, '--lang=en-US'],
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
      headless: true,
      defaultViewport: { width: 1600, height: 1000 },
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`file://${result.page}`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 20_000 });
    const panels = await page.$$eval('.panel', (els) =>
      els.map((e) => {
        const el = e as PanelElement;
        const canvas = el.querySelector('canvas') as CanvasLike | null;
        let ink = -1;
        if (canvas) {
          // Pixels that are not transparent: a chart that drew something.
          const c = canvas.getContext('2d')!;
          const d = c.getImageData(0, 0, canvas.width, canvas.height).data;
          ink = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) ink++;
        }
        return {
          title: `${el.closest('section')!.id} / ${el.dataset.panelTitle}`,
          type: el.dataset.panelType,
          status: el.dataset.panelStatus,
          points: Number(el.dataset.points),
          ink,
          width: el.offsetWidth,
        };
      }),
    );
    expect(errors).toEqual([]);
    const expected = result.dashboards.reduce((a, d) => a + d.panels.length, 0);
    expect(panels.length).toBe(expected);
    expect(panels.filter((p) => p.status !== 'ok')).toEqual([]);
    for (const p of panels) {
      expect(p.points, p.title).toBeGreaterThan(0);
      expect(p.width, p.title).toBeGreaterThan(50);
      if (['timeseries', 'trend', 'barchart'].includes(p.type!)) expect(p.ink, p.title).toBeGreaterThan(500);
    }
    mkdirSync(shots, { recursive: true });
    const saved: string[] = [];
    for (const d of result.dashboards) {
      const section = await page.$(`section[id="${d.uid}"]`);
      const path = join(shots, `${d.key}.png`);
      await section!.screenshot({ path: path as `${string}.png` });
      saved.push(path);
    }
    process.stderr.write(
      `[dashboards-render] ${panels.length} panels drawn in Chromium in ${Date.now() - t0} ms; screenshots:\n  ${saved.join('\n  ')}\n`,
    );
  }, 60_000);
});
