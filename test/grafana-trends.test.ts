// Every Flux query of the Trends dashboard (panels, annotation, variable) and of the emerging-term
// alert rule runs against the real influxd with Grafana's substitutions, on points written by the real
// trends hook (TrendTracker -> writer) from three hours of posts with a new term planted 10 minutes ago.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trendsConfigSchema } from '../collectors/social/trends/config.ts';
import { TrendTracker } from '../collectors/social/trends/tracker.ts';
import { fires } from '../grafana/src/alerts.ts';
import { EMERGING_LOOKBACK_SECONDS, trendAlertSpecs } from '../grafana/src/alerts-trends.ts';
import { catalog, interpolateFlux, type CatalogEntry } from '../grafana/src/catalog.ts';
import { DEFAULT_TREND_TOP } from '../collectors/social/trends/config.ts';
import { trendsDashboard } from '../grafana/src/dashboards/trends.ts';
import { DEFAULT_SETTINGS, type GrafanaSettings } from '../grafana/src/settings.ts';
import { silentLogger } from '../src/core/log.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';

const MIN = 60_000;
const NOW = Date.now();
const VARS = { topic: 'bitcoin', interval: '5m' };
const PLANTED_AT = Math.floor((NOW - 10 * MIN) / MIN) * MIN;

const EXPECTED: Record<string, string[]> = {
  'panel Trending terms in ${topic} (every ${interval}, newest first)': [
    '_time',
    'rank',
    'term',
    'count',
    'baseline_count',
    'score',
    'emerging',
  ],
  'panel Emerging terms (every ${interval}, all topics)': [
    '_time',
    'topic',
    'term',
    'count',
    'baseline_count',
    'score',
  ],
  'panel Share of voice (every ${interval})': ['_time', '_value', 'symbol'],
  'panel Themes of ${topic} (newest first)': ['_time', 'theme', 'terms', 'share', 'coherence', 'posts'],
  'annotation Emerging terms': ['_time', 'text', 'term'],
  'variable topic': ['_value'],
};

let settings: GrafanaSettings;
let clean: GrafanaSettings;
let entries: CatalogEntry[];

function run(q: string, startMs: number, stopMs = NOW): Promise<Record<string, unknown>[]> {
  return queryRows(
    interpolateFlux(q, { start: new Date(startMs), stop: new Date(stopMs), windowPeriod: '5m', vars: VARS }),
  );
}

/** Three hours of posts for two coin topics; `$QORIX` from PLANTED_AT on. */
async function seed(buckets: { main: string; raw: string }, planted: boolean): Promise<void> {
  const w = testWriter(buckets);
  let now = NOW - 3 * 60 * MIN;
  const tracker = new TrendTracker({
    config: trendsConfigSchema.parse({
      emerging: { warmup: '1h' },
      themes: { count: 3, period: '1h', samplePosts: 500 },
    }),
    coinOf: (t) => ({ bitcoin: 'BTC', ethereum: 'ETH' })[t],
    writer: w,
    metrics: createServiceRegistry('test', { defaultMetrics: false }),
    log: silentLogger,
    now: () => now,
  });
  const words = ['hodl wallet', 'chart pattern', 'miners fees', 'halving soon', 'lightning node'];
  for (let t = NOW - 3 * 60 * MIN; t < NOW; t += MIN) {
    now = t;
    for (let k = 0; k < 10; k++)
      tracker.add(['bitcoin'], `bitcoin ${words[(k + t / MIN) % 5]} ${words[k % 5]}`, t + k * 1000);
    for (let k = 0; k < 5; k++)
      tracker.add(['ethereum'], `ethereum staking ${words[k % 5]}`, t + k * 1000 + 500);
    if (planted && t >= PLANTED_AT)
      for (let k = 0; k < 5; k++)
        tracker.add(['bitcoin'], `bitcoin $QORIX exchange hack ${k}`, t + 30_000 + k);
    tracker.tick();
  }
  now = NOW;
  tracker.tick(true);
  await w.close();
}

beforeAll(async () => {
  const buckets = await freshBuckets('grafana_trends');
  const cleanBuckets = await freshBuckets('grafana_trends_clean');
  await seed(buckets, true);
  await seed(cleanBuckets, false);
  settings = { ...DEFAULT_SETTINGS, buckets };
  clean = { ...DEFAULT_SETTINGS, buckets: cleanBuckets };
  entries = catalog(trendsDashboard(settings).build()).filter((e) => e.lang === 'flux');
}, 120_000);

describe('Trends dashboard Flux queries against a real InfluxDB', () => {
  it('cover every panel, annotation and variable of the dashboard', () => {
    expect([...new Set(entries.map((e) => e.where))].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('each returns rows with the expected columns over the last 3 hours', async () => {
    const report: string[] = [];
    for (const e of entries) {
      let rows: Record<string, unknown>[];
      try {
        rows = await run(e.query, NOW - 3 * 3600_000);
      } catch (err) {
        report.push(`${e.where}: ${(err as Error).message}`);
        continue;
      }
      const cols = rows[0] ? Object.keys(rows[0]) : [];
      const missing = EXPECTED[e.where]!.filter((c) => !cols.includes(c));
      if (rows.length === 0 || missing.length)
        report.push(`${e.where}: ${rows.length} rows, missing ${missing}`);
    }
    expect(report).toEqual([]);
  });

  it('return the planted term, ranked rows of the newest interval, and shares that add up', async () => {
    const by = (w: string) => entries.find((e) => e.where === w)!.query;
    const trending = await run(
      by('panel Trending terms in ${topic} (every ${interval}, newest first)'),
      NOW - 3 * 3600_000,
    );
    expect(trending.length).toBeLessThanOrEqual(DEFAULT_TREND_TOP);
    expect(trending[0]!.rank).toBe(1);
    const newest = trending.filter((r) => r._time === trending[0]!._time);
    expect(newest.map((r) => r.rank)).toEqual(newest.map((_, i) => i + 1));
    const emerging = await run(
      by('panel Emerging terms (every ${interval}, all topics)'),
      NOW - 3 * 3600_000,
    );
    expect(emerging.map((r) => `${r.topic}:${r.term}`)).toContain('bitcoin:$qorix');
    expect(emerging.every((r) => r.topic === 'bitcoin')).toBe(true);
    const ann = await run(by('annotation Emerging terms'), NOW - 3 * 3600_000);
    expect(ann.some((r) => String(r.text).startsWith('new term $qorix ('))).toBe(true);
    const share = await run(by('panel Share of voice (every ${interval})'), NOW - 3 * 3600_000);
    expect(new Set(share.map((r) => r.symbol))).toEqual(new Set(['BTC', 'ETH']));
    const sums = new Map<string, number>();
    for (const r of share) sums.set(String(r._time), (sums.get(String(r._time)) ?? 0) + Number(r._value));
    for (const v of sums.values()) expect(v).toBeCloseTo(1, 6);
    const topics = await run(by('variable topic'), NOW - 3600_000);
    expect(topics.map((r) => r._value)).toEqual(['bitcoin', 'ethereum']);
  });
});

describe('the emerging-term alert rule', () => {
  const spec = trendAlertSpecs(DEFAULT_SETTINGS)[0]!;
  const evaluate = async (s: GrafanaSettings) => {
    const q = trendAlertSpecs(s)[0]!.query;
    return queryRows<{ topic: string; _value: number }>(
      interpolateFlux(q, {
        start: new Date(NOW - EMERGING_LOOKBACK_SECONDS * 1000),
        stop: new Date(NOW),
        windowPeriod: '1m',
        vars: {},
      }),
    );
  };

  it('fires for the topic with a fresh emerging term', async () => {
    const rows = await evaluate(settings);
    expect(rows.map((r) => r.topic)).toEqual(['bitcoin']);
    expect(fires(spec, rows[0]!._value)).toBe(true);
  });

  it('has nothing to fire on without one (no data is OK)', async () => {
    expect(await evaluate(clean)).toEqual([]);
    expect(spec.noDataState).toBe('OK');
  });
});

describe('the Flux examples of docs/schema.md (Trends)', () => {
  it('run on the real InfluxDB and return rows', async () => {
    const doc = readFileSync('docs/schema.md', 'utf8');
    const section = doc.slice(doc.indexOf('## Trends (main bucket)'));
    const examples = [...section.matchAll(/```flux\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBe(5);
    const empty: string[] = [];
    for (const flux of examples) {
      // The seeded bucket for "crypto"; the seeded new term for the example's "etf".
      const q = flux
        .replace('bucket: "crypto"', `bucket: "${settings.buckets.main}"`)
        .replace('"etf"', '"$qorix"');
      const rows = await queryRows(q);
      if (rows.length === 0) empty.push(flux.split('\n')[2]!.trim());
    }
    expect(empty).toEqual([]);
  });
});
