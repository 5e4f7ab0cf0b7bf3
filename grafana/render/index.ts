// `cryptocrawler dashboards render`: runs every panel's query of every generated dashboard against a
// running InfluxDB and Prometheus, with Grafana's macros and variables substituted as Grafana does,
// and writes one self-contained HTML page (uPlot, Grafana's time-series engine, inlined; the data
// inline as JSON) that draws each dashboard panel by panel at its grid position. No browser needed to
// write it; test/dashboards-render.test.ts opens it in headless Chromium.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { InfluxDB } from '@influxdata/influxdb-client';
import { DASHBOARD_FILES, renderAll } from '../src/generate.ts';
import type { GrafanaSettings } from '../src/settings.ts';
import { dataPoints, fluxFrames, promFrames, type Frame, type PromSeries } from './frames.ts';
import { fluxQuery, promQuery, type TimeContext } from './macros.ts';

export interface RenderOptions {
  settings: GrafanaSettings;
  influx: { url: string; token: string; org: string };
  /** Prometheus base URL; without it the PromQL panels are drawn with the error "no Prometheus". */
  prometheusUrl?: string;
  /** Scrape interval of that Prometheus (the datasource's timeInterval), seconds. */
  scrapeSeconds?: number;
  out: string;
  /** Time range: the last `rangeSeconds` up to `now`. */
  rangeSeconds?: number;
  now?: Date;
  /** Variable values over each dashboard's defaults (e.g. {coin: 'ETH'}). */
  vars?: Record<string, string>;
  /** Only these dashboards (keys of DASHBOARD_FILES); default all. */
  only?: string[];
}

export interface RenderedTarget {
  refId: string;
  lang: 'flux' | 'promql';
  query: string;
  frames: Frame[];
  error?: string;
}

export interface RenderedPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  options: unknown;
  fieldConfig: unknown;
  transformations: unknown[];
  targets: RenderedTarget[];
  /** Text panels: their content. */
  content?: string;
  points: number;
}

export interface RenderedDashboard {
  key: string;
  uid: string;
  title: string;
  vars: Record<string, string>;
  panels: RenderedPanel[];
}

export interface RenderResult {
  page: string;
  dashboards: RenderedDashboard[];
  /** "dashboard / panel" of every panel with a query that returned nothing or failed. */
  empty: string[];
  ms: number;
}

interface Target {
  refId?: string;
  datasource?: { type?: string };
  query?: string;
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
}

/** Variable values: each dashboard's current values, then the caller's. */
function varsOf(d: dashboard.Dashboard, over: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const v of d.templating?.list ?? []) {
    const cur = (v.current as { value?: unknown } | undefined)?.value;
    if (typeof cur === 'string' && v.name) vars[v.name] = cur;
  }
  return { ...vars, ...over };
}

async function promRange(url: string, expr: string, t: TimeContext, step: number): Promise<PromSeries[]> {
  const body = new URLSearchParams({
    query: expr,
    start: String(t.start.getTime() / 1000),
    end: String(t.stop.getTime() / 1000),
    step: String(step),
  });
  const res = await fetch(`${url}/api/v1/query_range`, { method: 'POST', body });
  const json = (await res.json()) as { status: string; error?: string; data?: { result: PromSeries[] } };
  if (json.status !== 'success') throw new Error(json.error ?? `HTTP ${res.status}`);
  return json.data?.result ?? [];
}

/** Interpolates and runs one target; errors are kept for the page, never thrown. */
async function runTarget(
  o: RenderOptions,
  influx: InfluxDB,
  t: Target,
  time: TimeContext,
): Promise<RenderedTarget> {
  const refId = t.refId ?? 'A';
  if (t.datasource?.type === 'prometheus') {
    const { expr, stepSeconds } = promQuery(t.expr ?? '', time, o.scrapeSeconds ?? 15);
    if (!o.prometheusUrl)
      return { refId, lang: 'promql', query: expr, frames: [], error: 'no Prometheus given' };
    try {
      const series = await promRange(o.prometheusUrl, expr, time, stepSeconds);
      return { refId, lang: 'promql', query: expr, frames: promFrames(series, refId, t.legendFormat) };
    } catch (e) {
      return { refId, lang: 'promql', query: expr, frames: [], error: (e as Error).message };
    }
  }
  const query = fluxQuery(t.query ?? '', time);
  try {
    const rows = await influx.getQueryApi(o.influx.org).collectRows<Record<string, unknown>>(query);
    return { refId, lang: 'flux', query, frames: fluxFrames(rows, refId) };
  } catch (e) {
    return { refId, lang: 'flux', query, frames: [], error: (e as Error).message };
  }
}

const here = dirname(fileURLToPath(import.meta.url));
/** File path -> the key generate.ts uses (overview, coin, correlationLag, ...). */
const DASHBOARD_KEYS: Record<string, string> = Object.fromEntries(
  Object.entries(DASHBOARD_FILES).map(([k, p]) => [p, k]),
);

function asset(spec: string): string {
  return readFileSync(createRequire(import.meta.url).resolve(spec), 'utf8');
}

/** The page: uPlot and the drawing script inline, the dashboards as JSON. */
export function pageHtml(dashboards: RenderedDashboard[], meta: { start: Date; stop: Date }): string {
  const data = JSON.stringify({ dashboards, start: meta.start.getTime(), stop: meta.stop.getTime() })
    // Inside <script>: never let the data close the element.
    .replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>CryptoCrawler dashboards</title>
<style>${asset('uplot/dist/uPlot.min.css')}</style>
<style>${readFileSync(join(here, 'page.css'), 'utf8')}</style>
</head><body>
<header><h1>CryptoCrawler dashboards</h1><p id="range"></p></header>
<main id="dashboards"></main>
<script>${asset('uplot/dist/uPlot.iife.min.js')}</script>
<script id="data" type="application/json">${data}</script>
<script>${readFileSync(join(here, 'client.js'), 'utf8')}</script>
</body></html>
`;
}

export async function renderDashboards(o: RenderOptions): Promise<RenderResult> {
  const t0 = Date.now();
  const stop = o.now ?? new Date();
  const start = new Date(stop.getTime() - (o.rangeSeconds ?? 6 * 3600) * 1000);
  const influx = new InfluxDB({ url: o.influx.url, token: o.influx.token, timeout: 60_000 });
  // Every generated dashboard file (trends.json included), as Grafana would load them.
  const all: Record<string, dashboard.Dashboard> = {};
  for (const [path, text] of renderAll(o.settings))
    if (path.startsWith('grafana/dashboards/') && path.endsWith('.json'))
      all[DASHBOARD_KEYS[path] ?? basename(path, '.json')] = JSON.parse(text) as dashboard.Dashboard;
  const out: RenderedDashboard[] = [];
  const empty: string[] = [];
  for (const [key, d] of Object.entries(all)) {
    if (o.only && !o.only.includes(key)) continue;
    const vars = varsOf(d, o.vars ?? {});
    const time = { start, stop, vars };
    const panels: RenderedPanel[] = [];
    for (const p of (d.panels ?? []) as dashboard.Panel[]) {
      const targets: RenderedTarget[] = [];
      for (const t of (p.targets ?? []) as Target[])
        targets.push(await runTarget(o, influx, { ...t, datasource: t.datasource ?? p.datasource }, time));
      const points = targets.reduce((a, t) => a + dataPoints(t.frames), 0);
      const gp = p.gridPos ?? { x: 0, y: 0, w: 12, h: 8 };
      panels.push({
        id: p.id ?? panels.length + 1,
        type: p.type,
        title: p.title ?? '',
        gridPos: { x: gp.x, y: gp.y, w: gp.w, h: gp.h },
        options: p.options ?? {},
        fieldConfig: p.fieldConfig ?? {},
        transformations: p.transformations ?? [],
        targets,
        content: (p.options as { content?: string } | undefined)?.content,
        points,
      });
      if (p.type !== 'text' && (points === 0 || targets.some((t) => t.error)))
        empty.push(
          `${d.title} / ${p.title}${targets.find((t) => t.error) ? `: ${targets.find((t) => t.error)!.error}` : ''}`,
        );
    }
    out.push({ key, uid: d.uid ?? key, title: d.title ?? key, vars, panels });
  }
  mkdirSync(o.out, { recursive: true });
  const page = resolve(o.out, 'dashboards.html');
  writeFileSync(page, pageHtml(out, { start, stop }));
  return { page, dashboards: out, empty, ms: Date.now() - t0 };
}
