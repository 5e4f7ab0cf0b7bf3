// Every Flux query of the generated dashboards (panels, annotations, variables) and of the Flux alert
// rule runs against the real influxd with Grafana's substitutions, on seeded data: each must return
// rows with the columns its panel needs. A dashboard that shows "No data" fails here.
import { beforeAll, describe, expect, it } from 'vitest';
import { alertSpecs, ANOMALY_LOOKBACK_SECONDS, fires } from '../grafana/src/alerts.ts';
import { catalog, interpolateFlux, type CatalogEntry } from '../grafana/src/catalog.ts';
import { buildDashboards } from '../grafana/src/generate.ts';
import { OVERVIEW_COLUMNS } from '../grafana/src/dashboards/overview.ts';
import { DEFAULT_SETTINGS, type GrafanaSettings } from '../grafana/src/settings.ts';
import { SEED_MINUTES, grafanaSeed, seedCount, seedPrice } from './helpers/grafana-seed.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';

const NOW = Date.now();
const VARS = { coin: 'BTC', topic: 'bitcoin', signal: 'volume' };

/** Columns each query must return, by where it sits (`where#refId` for panels with several targets). */
const EXPECTED: Record<string, string[]> = {
  'panel Coins': [...OVERVIEW_COLUMNS],
  'panel Posts per coin topic': ['_time', '_value', 'topic'],
  'panel Last post': ['age_s'],
  'panel Last price': ['age_s'],
  'panel Last analytics run': ['age_s'],
  'panel r (1h)': ['_time', 'r', 'window'],
  'panel r (6h)': ['_time', 'r', 'window'],
  'panel r (24h)': ['_time', 'r', 'window'],
  'panel ${coin} price, posts about ${topic} and their sentiment#A': ['_time', 'price'],
  'panel ${coin} price, posts about ${topic} and their sentiment#B': ['_time', 'posts'],
  'panel ${coin} price, posts about ${topic} and their sentiment#C': ['_time', 'sentiment'],
  'panel Price of ${coin} per quote currency': ['_time', 'USD', 'EUR'],
  'panel Posts about ${topic}, by source': ['_time', '_value', 'source'],
  'panel Mean and net sentiment of ${topic}': ['_time', 'mean', 'net'],
  'panel Sentiment of ${topic}: positive, negative, neutral': ['_time', '_value', '_field'],
  'panel Log return of ${coin}': ['_time', 'log_return'],
  'panel Pearson and Spearman r over 24h': ['_time', 'pearson', 'spearman'],
  'panel Cross-correlation by lag with its significance band (positive: social leads)': [
    'lag_minutes',
    'r',
    'band_high',
    'band_low',
  ],
  'panel Lag (positive: social leads)': ['_time', 'lag_seconds', 'r'],
  'panel Anomalies of ${coin} and ${topic}': [
    '_time',
    'series',
    'method',
    'kind',
    'value',
    'expected',
    'score',
    'text',
  ],
  'panel News about ${topic}': ['_time', 'title', 'url', 'source'],
  'panel Sample posts about ${topic}': ['_time', 'source', 'label', 'text'],
  'annotation Anomalies': ['_time', 'text', 'score', 'series', 'direction', 'method'],
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

/** The dashboards this seed feeds; trends.json reads the trends hook's measurements (grafana-trends.test.ts). */
const influxDashboards = (s: GrafanaSettings) => {
  const { trends: _trends, ...rest } = buildDashboards(s);
  return Object.values(rest);
};
const key = (e: CatalogEntry): string => (e.where in EXPECTED ? e.where : `${e.where}#${e.refId}`);

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
  // Two coins: the overview has a row per coin, share of voice splits between them.
  for (const pair of [{}, { coin: 'ETH', topic: 'ethereum', volumeFactor: 0.5 }]) {
    const seed = grafanaSeed({ now: NOW, weekAgoFactor: 0.8, ...pair });
    w.write('main', seed.main);
    w.write('raw', seed.raw);
  }
  await w.close();
  const wc = testWriter(cleanBuckets);
  wc.write('main', grafanaSeed({ now: NOW, freshAnomaly: false }).main);
  await wc.close();
  settings = { ...DEFAULT_SETTINGS, buckets };
  clean = { ...DEFAULT_SETTINGS, buckets: cleanBuckets };
  entries = influxDashboards(settings)
    .flatMap(catalog)
    .filter((e) => e.lang === 'flux');
});

describe('dashboard Flux queries against a real InfluxDB', () => {
  it('cover every panel, annotation and variable the dashboards hold', () => {
    const wheres = new Set(entries.map(key));
    expect([...wheres].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(entries.length).toBe(37);
  });

  it('each returns rows with the expected columns over the last 3 hours', async () => {
    const report: string[] = [];
    for (const e of entries) {
      let rows: Record<string, unknown>[];
      try {
        rows = await run(e.query, NOW - 3 * 3600_000);
      } catch (err) {
        report.push(`${e.dashboard} / ${key(e)}: ${(err as Error).message}`);
        continue;
      }
      const cols = rows[0] ? Object.keys(rows[0]) : [];
      const missing = (EXPECTED[key(e)] ?? ['(no expectation)']).filter((c) => !cols.includes(c));
      if (rows.length === 0 || missing.length)
        report.push(`${e.dashboard} / ${key(e)}: ${rows.length} rows, missing ${missing}`);
    }
    expect(report).toEqual([]);
  });

  it('return the seeded values, not just any rows', async () => {
    const by = (w: string) => entries.find((e) => e.where === w)!.query;
    const coins = await run(by('variable coin'), NOW - 3600_000);
    expect(coins.map((r) => r._value)).toEqual(['BTC', 'ETH']);
    // coin and topic are chained: the topic list follows the coin.
    expect((await run(by('variable topic'), NOW - 3600_000)).map((r) => r._value)).toEqual(['bitcoin']);
    const ethTopics = await queryRows(
      interpolateFlux(by('variable topic'), {
        start: new Date(NOW - 3600_000),
        stop: new Date(NOW),
        windowPeriod: '1m',
        vars: { ...VARS, coin: 'ETH' },
      }),
    );
    expect(ethTopics.map((r) => r._value)).toEqual(['ethereum']);
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
    expect(anomalies.map((r) => `${r.series}/${r.method}`).sort()).toEqual([
      'returns/shesd',
      'volume/shesd',
      'volume/streaming',
      'volume/streaming',
    ]);
    const posts = await run(by('panel Sample posts about ${topic}'), NOW - 3 * 3600_000);
    expect(posts.length).toBe(50);
    expect(String(posts[0]!.text)).toMatch(/^post \d+-\d about \$BTC: "bullish" or not$/);
  });

  it('keep a 30-day range cheap: rollup panels return at most one row per window period per series', async () => {
    const price = entries.find((e) => e.where === 'panel Price of ${coin} per quote currency')!;
    const rows = await queryRows(
      interpolateFlux(price.query, {
        start: new Date(NOW - 30 * 86_400_000),
        stop: new Date(NOW),
        windowPeriod: '30m',
        vars: VARS,
      }),
    );
    // 2 hours of data in 30-minute windows, the quotes pivoted into columns: at most 5 rows.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(5);
  });
});

describe('the analyst panels return the seeded numbers', () => {
  const by = (w: string, refId = 'A') => entries.find((e) => e.where === w && e.refId === refId)!.query;
  const minutes = Array.from({ length: SEED_MINUTES }, (_, j) => j + 1);
  const posts = (f = 1) => minutes.reduce((a, i) => a + seedCount(i, 0, f) + seedCount(i, 1, f), 0);

  it('overview: one row per coin with price, changes, share of voice, r, lag and anomalies today', async () => {
    const rows = await run(by('panel Coins'), NOW - 3 * 3600_000);
    expect(rows.map((r) => [r.coin, r.topic])).toEqual([
      ['BTC', 'bitcoin'],
      ['ETH', 'ethereum'],
    ]);
    const btc = rows[0]!;
    const [now, prev] = [
      posts(),
      minutes.reduce((a, i) => a + Math.round(seedCount(i, 0) * 0.8) + Math.round(seedCount(i, 1) * 0.8), 0),
    ];
    expect(btc.posts).toBe(now);
    expect(btc.posts_change_pct as number).toBeCloseTo(((now - prev) / prev) * 100, 9);
    expect(btc.share_of_voice_pct as number).toBeCloseTo((now / (now + posts(0.5))) * 100, 9);
    expect(btc.price as number).toBeCloseTo(seedPrice(1, 'USD'), 6);
    const first = seedPrice(SEED_MINUTES, 'USD');
    expect(btc.change_24h_pct as number).toBeCloseTo(((seedPrice(1, 'USD') - first) / first) * 100, 9);
    // Sentiment: score_sum / count with pos = round(0.4 count), neg = round(0.2 count), 0.5 each.
    const sums = minutes.flatMap((i) => [seedCount(i, 0), seedCount(i, 1)]);
    const score = sums.reduce((a, c) => a + 0.5 * Math.round(c * 0.4) - 0.5 * Math.round(c * 0.2), 0);
    expect(btc.sentiment as number).toBeCloseTo(score / now, 9);
    expect(btc.r as number).toBeCloseTo(0.3 + 0.1 * Math.sin(1 / 3), 9);
    expect(btc.ci_low as number).toBeCloseTo((btc.r as number) - 0.2, 9);
    expect(btc.lag_seconds).toBe(600);
    const midnight = Math.floor(NOW / 86_400_000) * 86_400_000;
    const end = Math.floor(NOW / 60_000) * 60_000;
    const todays = [90, 80, 5, 3].filter((m) => end - m * 60_000 >= midnight).length;
    expect(btc.anomalies_today).toBe(todays);
    const eth = rows[1]!;
    expect((btc.share_of_voice_pct as number) + (eth.share_of_voice_pct as number)).toBeCloseTo(100, 9);
  });

  it('coin: freshness, log return, Pearson beside Spearman, the significance band, anomalies with kind and method, news links', async () => {
    const range = NOW - 3 * 3600_000;
    const age = await run(by('panel Last price'), range);
    expect(age).toHaveLength(1);
    // The newest price is the minute before `now`'s minute: between 60 and 120 s old.
    expect(age[0]!.age_s as number).toBeGreaterThanOrEqual(60);
    expect(age[0]!.age_s as number).toBeLessThan(120);
    const ret = await run(by('panel Log return of ${coin}'), range);
    expect(ret).toHaveLength(SEED_MINUTES - 1);
    expect(ret.at(-1)!.log_return as number).toBeCloseTo(
      Math.log(seedPrice(1, 'USD') / seedPrice(2, 'USD')),
      12,
    );
    const methods = await run(by('panel Pearson and Spearman r over 24h'), range);
    expect(methods.length).toBe(24);
    const band = await run(
      by('panel Cross-correlation by lag with its significance band (positive: social leads)'),
      range,
    );
    expect(band.map((r) => r.lag_minutes)).toEqual(Array.from({ length: 25 }, (_, i) => -60 + 5 * i));
    expect(band.every((r) => r.band_high === 0.05 && r.band_low === -0.05)).toBe(true);
    const anomalies = await run(by('panel Anomalies of ${coin} and ${topic}'), range);
    // Newest first; `kind` only where the streaming detector wrote one; numbers as numbers.
    expect(anomalies.map((r) => [r.method, r.series, r.kind ?? '', r.score])).toEqual([
      ['streaming', 'volume', 'spike', 0.97],
      ['shesd', 'volume', '', 4.2],
      ['streaming', 'volume', 'spike', 0.97],
      ['shesd', 'returns', '', 4.2],
    ]);
    const notes = await run(by('annotation Anomalies', 'Anomalies'), range);
    expect(notes.map((r) => [r.series, r.method, r.score]).sort()).toEqual([
      ['returns', 'shesd', 4.2],
      ['volume', 'shesd', 4.2],
      ['volume', 'streaming', 0.97],
      ['volume', 'streaming', 0.97],
    ]);
    const news = await run(by('panel News about ${topic}'), range);
    expect(news.map((r) => r.url)).toEqual([0, 1, 2].map((i) => `https://news.example/${i}`));
    const combined = await run(
      by('panel ${coin} price, posts about ${topic} and their sentiment', 'B'),
      range,
    );
    expect(combined.reduce((a, r) => a + (r.posts as number), 0)).toBe(posts());
  });
});

describe('variable values cannot leave their Flux string (json format)', () => {
  it('a value with quotes and backslashes is compared as text: no rows, no error, no injected predicate', async () => {
    const q = entries.find((e) => e.where === 'panel Last price')!.query;
    const at = (coin: string) =>
      queryRows(
        interpolateFlux(q, {
          start: new Date(NOW - 3 * 3600_000),
          stop: new Date(NOW),
          windowPeriod: '1m',
          vars: { ...VARS, coin },
        }),
      );
    expect(await at('BTC')).toHaveLength(1);
    // Unescaped ("${coin}") this closed the string and matched every symbol.
    for (const evil of ['BTC" or r.symbol != "', 'BTC\\" or true or "', 'x\n" or true or "'])
      expect(await at(evil), evil).toEqual([]);
  });
});

describe('combinedSocial: shards and replicas (issue 16)', () => {
  it('2 shards x 2 replicas give exactly the single-process numbers in every panel that reads `social`', async () => {
    const sharded = await freshBuckets('grafana_sharded');
    const w = testWriter(sharded);
    for (const pair of [{}, { coin: 'ETH', topic: 'ethereum', volumeFactor: 0.5 }]) {
      const seed = grafanaSeed({ now: NOW, weekAgoFactor: 0.8, shards: 2, replicas: 2, ...pair });
      w.write('main', seed.main);
      w.write('raw', seed.raw);
    }
    await w.close();
    // The sharded bucket really holds 4 points per source and minute.
    const points = await queryRows(
      `from(bucket: "${sharded.main}") |> range(start: -1d) |> filter(fn: (r) => r._measurement == "social" and r._field == "count" and r.topic == "bitcoin") |> group() |> count()`,
    );
    expect(points[0]!._value).toBe(SEED_MINUTES * 2 * 4);
    const shardedEntries = influxDashboards({ ...DEFAULT_SETTINGS, buckets: sharded })
      .flatMap(catalog)
      .filter((e) => e.lang === 'flux');
    const social = entries.filter((e) => e.query.includes('"social"'));
    expect(social.length).toBeGreaterThanOrEqual(7);
    const strip = (rows: Record<string, unknown>[]) =>
      rows.map(({ result: _r, table: _t, _start: _s, _stop: _p, ...rest }) => rest);
    for (const e of social) {
      const twin = shardedEntries.find(
        (x) => x.dashboard === e.dashboard && x.where === e.where && x.refId === e.refId,
      )!;
      for (const windowPeriod of ['1m', '10m']) {
        const q = (text: string) =>
          queryRows(
            interpolateFlux(text, {
              start: new Date(NOW - 3 * 3600_000),
              stop: new Date(NOW),
              windowPeriod,
              vars: VARS,
            }),
          );
        const [single, multi] = [await q(e.query), await q(twin.query)];
        expect(single.length, e.where).toBeGreaterThan(0);
        expect(strip(multi), `${e.where} (${windowPeriod})`).toEqual(strip(single));
      }
    }
  });
});

describe('the Flux alert rule (streaming anomaly)', () => {
  it('fires on a fresh seeded anomaly and stays quiet on a bucket whose only anomaly is old', async () => {
    const spec = alertSpecs(settings).find((a) => a.lang === 'flux')!;
    const start = NOW - ANOMALY_LOOKBACK_SECONDS * 1000;
    const rows = await run(spec.query, start);
    // One instance per series (no direction label): the fresh streaming flags of both coins' topics.
    expect(rows.map((r) => [r.series, r.topic, r._value])).toEqual([
      ['volume', 'bitcoin', 1],
      ['volume', 'ethereum', 1],
    ]);
    expect(rows[0]!.direction).toBeUndefined();
    expect(rows[0]!._time).toBeDefined();
    expect(fires(spec, rows[0]!._value as number)).toBe(true);

    const quiet = alertSpecs(clean).find((a) => a.lang === 'flux')!;
    expect(quiet.query).toContain(clean.buckets.main);
    // Quiet although an S-H-ESD point (method shesd) is 5 minutes old: only streaming flags alert.
    expect(await run(quiet.query, start)).toEqual([]);
    // The old streaming flag is there: the window, not an empty bucket, keeps the rule quiet.
    expect((await run(quiet.query, NOW - 3 * 3600_000)).length).toBe(1);
  });
});
