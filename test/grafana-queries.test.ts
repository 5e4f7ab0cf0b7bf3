// Every Flux query of the generated dashboards (panels, annotations, variables) and of the Flux alert
// rule runs against the real influxd with Grafana's substitutions, on seeded data: each must return
// rows with the columns its panel needs. A dashboard that shows "No data" fails here.
import { beforeAll, describe, expect, it } from 'vitest';
import { alertSpecs, ANOMALY_LOOKBACK_SECONDS, fires } from '../grafana/src/alerts.ts';
import { catalog, interpolateFlux, type CatalogEntry } from '../grafana/src/catalog.ts';
import { buildDashboards } from '../grafana/src/generate.ts';
import { DEFAULT_SETTINGS, type GrafanaSettings } from '../grafana/src/settings.ts';
import { grafanaSeed } from './helpers/grafana-seed.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';

const NOW = Date.now();
const VARS = { coin: 'BTC', topic: 'bitcoin', signal: 'volume' };

/** Columns each query must return (beyond _time where it is a time series), by where it sits. */
const EXPECTED: Record<string, string[]> = {
  'panel Price of ${coin}': ['_time', '_value', 'symbol', 'quote'],
  'panel Posts about ${topic}, by source': ['_time', '_value', 'source'],
  'panel Sentiment of ${topic}: positive, negative, neutral': ['_time', '_value', '_field'],
  'panel r (1h)': ['_time', 'r', 'window'],
  'panel r (6h)': ['_time', 'r', 'window'],
  'panel r (24h)': ['_time', 'r', 'window'],
  'panel Lag (positive: social leads)': ['_time', 'lag_seconds', 'r'],
  'panel Sample posts about ${topic}': ['_time', 'source', 'label', 'text'],
  'annotation Anomalies': ['_time', 'text', 'score', 'series', 'direction'],
  'annotation News': ['_time', 'text', 'url', 'label', 'source'],
  'variable coin': ['_value'],
  'variable topic': ['_value'],
  'panel Rolling r over 1h: ${signal} vs ${coin} return': ['_time', 'r', 'ci_low', 'ci_high'],
  'panel Rolling r over 6h: ${signal} vs ${coin} return': ['_time', 'r', 'ci_low', 'ci_high'],
  'panel Rolling r over 24h: ${signal} vs ${coin} return': ['_time', 'r', 'ci_low', 'ci_high'],
  'panel Cross-correlation by lag (latest run; positive: social leads)': ['lag_minutes', 'r'],
  'panel Lag over time': ['_time', 'lag_seconds', 'r'],
  'panel Latest correlation per window and method': [
    'window',
    'method',
    'r',
    'n',
    'p_value',
    'ci_low',
    'ci_high',
  ],
  'panel Granger causality (latest test per direction)': ['direction', 'f', 'p_value', 'lags', 'significant'],
};

let settings: GrafanaSettings;
let clean: GrafanaSettings;
let entries: CatalogEntry[];

function run(q: string, startMs: number, stopMs = NOW): Promise<Record<string, unknown>[]> {
  return queryRows(
    interpolateFlux(q, { start: new Date(startMs), stop: new Date(stopMs), windowPeriod: '1m', vars: VARS }),
  );
}

beforeAll(async () => {
  const buckets = await freshBuckets('grafana');
  const cleanBuckets = await freshBuckets('grafana_clean');
  const w = testWriter(buckets);
  const seed = grafanaSeed({ now: NOW });
  w.write('main', seed.main);
  w.write('raw', seed.raw);
  await w.close();
  const wc = testWriter(cleanBuckets);
  wc.write('main', grafanaSeed({ now: NOW, freshAnomaly: false }).main);
  await wc.close();
  settings = { ...DEFAULT_SETTINGS, buckets };
  clean = { ...DEFAULT_SETTINGS, buckets: cleanBuckets };
  entries = Object.values(buildDashboards(settings))
    .flatMap(catalog)
    .filter((e) => e.lang === 'flux');
});

describe('dashboard Flux queries against a real InfluxDB', () => {
  it('cover every panel, annotation and variable the dashboards hold', () => {
    const wheres = new Set(entries.map((e) => e.where));
    expect([...wheres].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(entries.length).toBe(21);
  });

  it('each returns rows with the expected columns over the last 3 hours', async () => {
    const report: string[] = [];
    for (const e of entries) {
      const rows = await run(e.query, NOW - 3 * 3600_000);
      const cols = rows[0] ? Object.keys(rows[0]) : [];
      const missing = EXPECTED[e.where]!.filter((c) => !cols.includes(c));
      if (rows.length === 0 || missing.length)
        report.push(`${e.dashboard} / ${e.where}: ${rows.length} rows, missing ${missing}`);
    }
    expect(report).toEqual([]);
  });

  it('return the seeded values, not just any rows', async () => {
    const by = (w: string) => entries.find((e) => e.where === w)!.query;
    const coins = await run(by('variable coin'), NOW - 3600_000);
    expect(coins.map((r) => r._value)).toEqual(['BTC']);
    const sentiment = await run(
      by('panel Sentiment of ${topic}: positive, negative, neutral'),
      NOW - 3 * 3600_000,
    );
    expect(new Set(sentiment.map((r) => r._field))).toEqual(new Set(['pos', 'neg', 'neu']));
    const xcorr = await run(
      by('panel Cross-correlation by lag (latest run; positive: social leads)'),
      NOW - 3600_000,
    );
    expect(xcorr.map((r) => r.lag_minutes)).toEqual(
      Array.from({ length: 25 }, (_, i) => String(-60 + 5 * i)),
    );
    const peak = xcorr.reduce((a, b) => ((b.r as number) > (a.r as number) ? b : a));
    expect(peak.lag_minutes).toBe('10');
    const granger = await run(by('panel Granger causality (latest test per direction)'), NOW - 3600_000);
    expect(granger.map((r) => [r.direction, r.significant]).sort()).toEqual([
      ['price_to_social', false],
      ['social_to_price', true],
    ]);
    const lag = await run(by('panel Lag (positive: social leads)'), NOW - 3600_000);
    expect(lag).toHaveLength(1);
    expect(lag[0]).toMatchObject({ lag_seconds: 600, r: 0.42 });
    const latest = await run(by('panel Latest correlation per window and method'), NOW - 3600_000);
    expect(latest).toHaveLength(6);
    const anomalies = await run(by('annotation Anomalies'), NOW - 3 * 3600_000);
    expect(anomalies.map((r) => r.series).sort()).toEqual(['returns', 'volume']);
    const posts = await run(by('panel Sample posts about ${topic}'), NOW - 3 * 3600_000);
    expect(posts.length).toBe(50);
    expect(String(posts[0]!.text)).toMatch(/^post \d+-\d about \$BTC: "bullish" or not$/);
  });

  it('keep a 30-day range cheap: rollup panels return at most one row per window period per series', async () => {
    const price = entries.find((e) => e.where === 'panel Price of ${coin}')!;
    const rows = await queryRows(
      interpolateFlux(price.query, {
        start: new Date(NOW - 30 * 86_400_000),
        stop: new Date(NOW),
        windowPeriod: '30m',
        vars: VARS,
      }),
    );
    // 2 hours of data in 30-minute windows, two quotes: at most 5 windows each.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(10);
  });
});

describe('the Flux alert rule (anomaly detected)', () => {
  it('fires on a fresh seeded anomaly and stays quiet on a bucket whose only anomaly is old', async () => {
    const spec = alertSpecs(settings).find((a) => a.lang === 'flux')!;
    const start = NOW - ANOMALY_LOOKBACK_SECONDS * 1000;
    const rows = await run(spec.query, start);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ series: 'volume', topic: 'bitcoin', direction: 'pos', _value: 1 });
    expect(rows[0]!._time).toBeDefined();
    expect(fires(spec, rows[0]!._value as number)).toBe(true);

    const quiet = alertSpecs(clean).find((a) => a.lang === 'flux')!;
    expect(quiet.query).toContain(clean.buckets.main);
    expect(await run(quiet.query, start)).toEqual([]);
    // The old anomaly is there: the window, not an empty bucket, keeps the rule quiet.
    expect((await run(quiet.query, NOW - 3 * 3600_000)).length).toBe(1);
  });
});
