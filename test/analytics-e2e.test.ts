// End to end against the real influxd: planted social and price series go in as line protocol, the
// analytics run reads them with Flux and writes correlation, lag, xcorr, granger and anomaly points,
// and those recover the planted truths. A second run over the same range changes nothing.
import { InfluxDB } from '@influxdata/influxdb-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { WorkerEsdRunner } from '../analytics/jobs/esd-runner.ts';
import { analyticsMetrics } from '../analytics/jobs/metrics.ts';
import { jobOptionsFromConfig } from '../analytics/jobs/options.ts';
import { readLatestLags, readRecentAnomalies } from '../analytics/jobs/latest.ts';
import { runAnalyticsRange } from '../analytics/jobs/run.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';
import { type PlantedCoin, plantedConfigYaml, plantedSeries } from './helpers/planted-series.ts';

const COINS: PlantedCoin[] = [
  { topic: 'bitcoin', symbol: 'BTC', lagBuckets: 5, rho: 0.4, lambda: 0.5 },
  { topic: 'ethereum', symbol: 'ETH', lagBuckets: 12, rho: -0.3, lambda: 0.45 },
];
const DAY = 1440;
// Two anomaly lookbacks over the same planted data: 10 days (R's robust periodic STL, which needs many
// cycles) and the default 3 days (fewer than 7 cycles: the jobs use the pooled phase-median seasonal,
// see ShesdOptions.seasonal). Recall and precision are scored on the window each one analyses.
const LOOKBACKS = [
  { lookback: '10d', days: 10, minPlanted: 30 },
  { lookback: '3d', days: 3, minPlanted: 15 },
];
const BUCKETS = 10 * DAY + 120;
// A fixed, bucket-aligned start well in the past, so runs are reproducible.
const START_MS = Date.UTC(2024, 4, 1, 0, 0, 0);
const END_MS = START_MS + BUCKETS * 60_000;

type Row = Record<string, unknown> & { _time: string; _measurement: string; _field: string; _value: unknown };

describe.each(LOOKBACKS)(
  'analytics jobs against a real InfluxDB, anomaly lookback $lookback',
  ({ lookback, days, minPlanted }) => {
    let buckets: { main: string; raw: string };
    let truth: ReturnType<typeof plantedSeries>['truth'];
    let config: ReturnType<typeof parseConfig>;

    const resultRows = (): Promise<Row[]> =>
      queryRows<Row>(
        `from(bucket: "${buckets.main}") |> range(start: 2024-04-01T00:00:00Z, stop: 2024-06-01T00:00:00Z)
        |> filter(fn: (r) => r._measurement != "social" and r._measurement != "price")`,
      );

    const run = async (
      metrics = analyticsMetrics(createServiceRegistry('analytics', { defaultMetrics: false })),
    ) => {
      const writer = testWriter(buckets);
      const esd = new WorkerEsdRunner();
      const env = influxEnv();
      try {
        const summary = await runAnalyticsRange({
          options: jobOptionsFromConfig(config),
          queryApi: new InfluxDB({ url: env.url, token: env.adminToken, timeout: 60_000 }).getQueryApi(
            env.org,
          ),
          writer,
          esd,
          metrics,
          fromMs: END_MS - DAY * 60_000,
          toMs: END_MS,
        });
        await writer.flush();
        return summary;
      } finally {
        await esd.close();
        await writer.close();
      }
    };

    beforeAll(async () => {
      buckets = await freshBuckets('analytics_e2e');
      const env = influxEnv();
      const planted = plantedSeries({
        seed: 20240501,
        startMs: START_MS,
        buckets: BUCKETS,
        coins: COINS,
        controlTopics: ['weather'],
        returnSpikesBefore: BUCKETS - DAY - 60,
        spikes: { volume: 12, negative: 8, returns: 6 },
      });
      truth = planted.truth;
      const writer = testWriter(buckets);
      writer.write('main', planted.lines);
      await writer.close();
      config = parseConfig(
        plantedConfigYaml({
          url: env.url,
          org: env.org,
          ...buckets,
          coins: COINS,
          controlTopics: ['weather'],
          anomalyLookback: lookback,
        }),
        SOURCE_SCHEMAS,
      );
    });

    it('recovers the planted lag, correlation and anomalies, and a second run writes the same points', async () => {
      const metrics = analyticsMetrics(createServiceRegistry('analytics', { defaultMetrics: false }));
      const summary = await run(metrics);
      expect(summary.points.correlation).toBeGreaterThan(0);
      const rows = await resultRows();

      // Lag: the volume signal leads price by the planted lag, within one bucket, and it is significant.
      const env = influxEnv();
      const queryApi = new InfluxDB({ url: env.url, token: env.adminToken }).getQueryApi(env.org);
      const lags = await readLatestLags(queryApi, buckets.main, '2024-04-01T00:00:00Z');
      for (const coin of COINS) {
        const lag = lags.find((l) => l.symbol === coin.symbol && l.signal === 'volume');
        expect(lag, `lag row for ${coin.symbol}`).toBeDefined();
        expect(Math.abs((lag?.lag_seconds ?? NaN) - coin.lagBuckets * 60)).toBeLessThanOrEqual(60);
        expect(lag?.significant).toBe(true);
        expect(lag?.r).toBeGreaterThan(0.2);
        // Sentiment moves with price at lag 0.
        const sentimentLag = lags.find((l) => l.symbol === coin.symbol && l.signal === 'sentiment');
        expect(sentimentLag?.lag_seconds).toBe(0);
      }

      // Correlation: the planted rho lies within the reported 95% interval (24h window, Pearson).
      const fieldOf = (measurement: string, tags: Record<string, string>, field: string): unknown[] =>
        rows
          .filter(
            (r) =>
              r._measurement === measurement &&
              r._field === field &&
              Object.entries(tags).every(([k, v]) => r[k] === v),
          )
          .map((r) => r._value);
      for (const coin of COINS) {
        const tags = {
          symbol: coin.symbol,
          topic: coin.topic,
          signal: 'sentiment',
          window: '24h',
          method: 'pearson',
        };
        const [low] = fieldOf('correlation', tags, 'ci_low') as number[];
        const [high] = fieldOf('correlation', tags, 'ci_high') as number[];
        const [n] = fieldOf('correlation', tags, 'n') as number[];
        expect(n).toBeGreaterThan(1400);
        expect(low).toBeLessThan(coin.rho);
        expect(high).toBeGreaterThan(coin.rho);
      }
      // The correlation point sits at the run's end, aligned to the bucket.
      const corrTimes = new Set(rows.filter((r) => r._measurement === 'correlation').map((r) => r._time));
      expect([...corrTimes].map((t) => Date.parse(t as string))).toEqual([END_MS]);
      // Granger (order 5): volume's past predicts returns when the planted lag is within the order.
      for (const coin of COINS.filter((c) => c.lagBuckets <= 5)) {
        const sig = fieldOf(
          'granger',
          { symbol: coin.symbol, signal: 'volume', direction: 'social_to_price' },
          'significant',
        );
        expect(sig).toEqual([true]);
      }

      // Anomalies: recall >= 0.9 and precision >= 0.8 per kind, matching within one bucket.
      const found = await readRecentAnomalies(queryApi, buckets.main, '2024-04-01T00:00:00Z');
      expect(found.every((a) => typeof a.text === 'string' && a.text.length > 10)).toBe(true);
      let planted = 0;
      let recalled = 0;
      let reported = 0;
      let correct = 0;
      for (const [key, times] of truth.anomalies) {
        const [series, name] = key.split('/') as [string, string];
        const got = found
          .filter((a) => a.series === series && (a.topic ?? a.symbol) === name)
          .map((a) => Date.parse(a.time));
        const near = (t: number, list: number[]): boolean => list.some((u) => Math.abs(u - t) <= 60_000);
        const inWindow = times.filter((t) => t >= START_MS + (BUCKETS - days * DAY) * 60_000);
        planted += inWindow.length;
        recalled += inWindow.filter((t) => near(t, got)).length;
        reported += got.length;
        correct += got.filter((t) => near(t, times)).length;
      }
      process.stderr.write(
        `[anomalies, lookback ${lookback}] planted ${planted}, recalled ${recalled} (${(recalled / planted).toFixed(2)}), ` +
          `reported ${reported}, correct ${correct} (precision ${(correct / reported).toFixed(2)})\n`,
      );
      expect(planted).toBeGreaterThan(minPlanted);
      expect(recalled / planted).toBeGreaterThanOrEqual(0.9);
      expect(correct / reported).toBeGreaterThanOrEqual(0.8);
      const sample = found.find((a) => a.series === 'volume' && a.topic === 'bitcoin');
      expect(sample?.text).toMatch(/^bitcoin post volume \d+\.\dx expected \(\d+ vs \d+ posts\/min\)$/);

      // Health: every job wrote points and recorded a success.
      const text = await (
        metrics.pointsWritten as unknown as {
          get(): Promise<{ values: { labels: { job: string }; value: number }[] }>;
        }
      ).get();
      expect(text.values.map((v) => v.labels.job).sort()).toEqual([
        'anomalies',
        'correlation',
        'granger',
        'lag',
      ]);

      // Idempotent: the same range again leaves every point as it was.
      await run();
      const again = await resultRows();
      const key = (r: Row): string =>
        JSON.stringify([
          r._measurement,
          r._time,
          r._field,
          r._value,
          ...Object.keys(r)
            .filter((k) => !k.startsWith('_') && k !== 'result' && k !== 'table')
            .sort()
            .map((k) => `${k}=${String(r[k])}`),
        ]);
      expect(again.length).toBe(rows.length);
      expect(again.map(key).sort()).toEqual(rows.map(key).sort());
    });

    it('counts the reason instead of writing a number when there are too few points', async () => {
      const registry = createServiceRegistry('analytics', { defaultMetrics: false });
      const metrics = analyticsMetrics(registry);
      const writer = testWriter(buckets);
      const env = influxEnv();
      // A range far before the planted data: nothing to read.
      const summary = await runAnalyticsRange({
        options: jobOptionsFromConfig(config),
        queryApi: new InfluxDB({ url: env.url, token: env.adminToken }).getQueryApi(env.org),
        writer,
        esd: new WorkerEsdRunner(),
        metrics,
        fromMs: START_MS - 10 * DAY * 60_000,
        toMs: START_MS - 9 * DAY * 60_000,
      });
      await writer.close();
      expect(summary.points).toEqual({ correlation: 0, lag: 0, granger: 0, anomalies: 0 });
      const body = await registry.registry.metrics();
      expect(body).toMatch(
        /cryptocrawler_analytics_windows_skipped_total\{job="correlation",reason="too_few_points",service="analytics"\} \d+/,
      );
      expect(body).toMatch(
        /cryptocrawler_analytics_windows_skipped_total\{job="anomalies",reason="no_data",service="analytics"\} \d+/,
      );
    });
  },
);
