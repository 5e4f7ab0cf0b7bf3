// Analytics partitioned over 3 instances against the real influxd: each instance (analytics.partition
// "k/3") reads and evaluates only its share of the coins and topics, the three together write exactly
// the points one instance writes (no overlap, no gap), and each serves its own /metrics naming its
// partition and share.
import { InfluxDB } from '@influxdata/influxdb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { inProcessEsd } from '../analytics/jobs/esd-runner.ts';
import { analyticsMetrics } from '../analytics/jobs/metrics.ts';
import { jobOptionsFromConfig } from '../analytics/jobs/options.ts';
import { runAnalyticsRange } from '../analytics/jobs/run.ts';
import { reportPartition } from '../analytics/service/partition-health.ts';
import { parseConfig, type Config } from '../src/core/config/load.ts';
import { type HealthServer, startHealthServer } from '../src/core/metrics/server.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import type { BucketRole, PointWriter } from '../src/core/write/writer.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';
import { type PlantedCoin, plantedConfigYaml, plantedSeries } from './helpers/planted-series.ts';

const DAY = 1440;
// Nine coins and two topics without one: eleven units on the ring of three instances (1, 4 and 6).
const SYMBOLS = ['BTC', 'ETH', 'IOTA', 'SOL', 'ADA', 'DOT', 'XRP', 'LTC', 'DOGE'];
const COINS: PlantedCoin[] = SYMBOLS.map((symbol, i) => ({
  topic: symbol.toLowerCase(),
  symbol,
  lagBuckets: 3 + (i % 7),
  rho: 0.3,
  lambda: 0.4,
}));
const CONTROL = ['weather', 'football'];
// Two days: the least the anomaly job (period 1d, lookback 2d) runs on.
const BUCKETS = 2 * DAY + 60;
const START_MS = Date.UTC(2024, 6, 1, 0, 0, 0);
const END_MS = START_MS + BUCKETS * 60_000;

let buckets: { main: string; raw: string };
let config: Config;
const servers: HealthServer[] = [];

beforeAll(async () => {
  buckets = await freshBuckets('partition');
  const env = influxEnv();
  const planted = plantedSeries({
    seed: 20240701,
    startMs: START_MS,
    buckets: BUCKETS,
    coins: COINS,
    controlTopics: CONTROL,
    spikes: { volume: 4, negative: 3, returns: 3 },
  });
  const writer = testWriter(buckets);
  writer.write('main', planted.lines);
  await writer.close();
  config = parseConfig(
    plantedConfigYaml({
      url: env.url,
      org: env.org,
      ...buckets,
      coins: COINS,
      controlTopics: CONTROL,
      anomalyLookback: '2d',
    }),
    SOURCE_SCHEMAS,
  );
}, 50_000);
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** A writer that keeps every line it is handed (the points a run writes), in order. */
function capture(): PointWriter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write: (_bucket: BucketRole, l: string | string[]) =>
      void lines.push(...(typeof l === 'string' ? [l] : l)),
    flush: async () => undefined,
    drain: async () => true,
    close: async () => undefined,
    bufferedLines: () => 0,
    failing: () => false,
  };
}

async function runAs(partition: string): Promise<{ lines: string[]; metricsText: string }> {
  const env = influxEnv();
  const cfg: Config = { ...config, analytics: { ...config.analytics, partition } };
  const options = jobOptionsFromConfig(cfg);
  const registry = createServiceRegistry('analytics', { defaultMetrics: false });
  reportPartition(registry, cfg, options);
  const health = await startHealthServer({ host: '127.0.0.1', port: 0, registry: registry.registry });
  servers.push(health);
  const writer = capture();
  await runAnalyticsRange({
    options,
    queryApi: new InfluxDB({ url: env.url, token: env.adminToken, timeout: 60_000 }).getQueryApi(env.org),
    writer,
    esd: inProcessEsd,
    metrics: analyticsMetrics(registry),
    fromMs: END_MS - 60 * 60_000,
    toMs: END_MS,
  });
  const metricsText = await (await fetch(`${health.url}/metrics`)).text();
  return { lines: writer.lines, metricsText };
}

function gauge(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`cryptocrawler_${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : NaN;
}

describe('analytics partitioned over 3 instances (real influxd)', () => {
  it('the 3 instances write exactly the points one instance writes, each series once', async () => {
    const one = await runAs('0/1');
    const parts = [];
    for (let k = 0; k < 3; k++) parts.push(await runAs(`${k}/3`));

    expect(one.lines.length).toBeGreaterThan(500);
    const union = parts.flatMap((p) => p.lines);
    // Same multiset: nothing missing, nothing written by two instances.
    expect(union.length).toBe(one.lines.length);
    expect([...union].sort()).toEqual([...one.lines].sort());
    for (let a = 0; a < 3; a++)
      for (let b = a + 1; b < 3; b++) {
        const seen = new Set(parts[a]!.lines);
        expect(parts[b]!.lines.filter((l) => seen.has(l))).toEqual([]);
      }

    // Each instance's own /metrics names its partition, and the shares add up to the whole config.
    const shares = parts.map((p, k) => ({
      info: gauge(p.metricsText, 'analytics_partition_info', `partition="${k}/3"`),
      topics: gauge(p.metricsText, 'analytics_partition_series', 'kind="topics"'),
      coins: gauge(p.metricsText, 'analytics_partition_series', 'kind="coins"'),
      points: p.lines.length,
    }));
    process.stderr.write(
      `[partition] one instance ${one.lines.length} points; 3 instances ${JSON.stringify(shares)}\n`,
    );
    for (const s of shares) {
      expect(s.info).toBe(1);
      expect(s.points).toBeGreaterThan(0);
    }
    expect(shares.reduce((a, s) => a + s.topics, 0)).toBe(COINS.length + CONTROL.length);
    expect(shares.reduce((a, s) => a + s.coins, 0)).toBe(COINS.length);

    // Stored in the real influxd, the one instance's points and the three's are the same rows.
    const stored = async (lines: string[]): Promise<string[]> => {
      const to = await freshBuckets('partition_out');
      const w = testWriter(to);
      w.write('main', lines);
      await w.close();
      const rows = await queryRows<Record<string, unknown>>(`
        from(bucket: ${JSON.stringify(to.main)}) |> range(start: 2024-06-01T00:00:00Z, stop: 2024-09-01T00:00:00Z)`);
      return rows
        .map((r) =>
          JSON.stringify(
            Object.entries(r).filter(([k]) => !['result', 'table', '_start', '_stop'].includes(k)),
          ),
        )
        .sort();
    };
    const storedOne = await stored(one.lines);
    expect(storedOne.length).toBeGreaterThan(one.lines.length);
    expect(await stored(union)).toEqual(storedOne);
  }, 58_000);
});
