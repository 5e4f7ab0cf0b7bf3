// The simulate source against the real influxd: every generated post lands as `post` points and in the
// `social` rollups, prices as `price` points with the model's values; running the same history again
// changes no count; live mode emits at wall-clock time and stops promptly with everything written.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateConfigSchema } from '../collectors/social/simulate/config.ts';
import { simulateSource } from '../collectors/social/simulate/index.ts';
import { MINUTE_MS } from '../collectors/social/simulate/model.ts';
import type { SimulateSource } from '../collectors/social/simulate/source.ts';
import { plantedTruth, type PlantedTruth } from '../collectors/social/simulate/truth.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig, type Config } from '../src/core/config/load.ts';
import { createServiceRegistry, type ServiceRegistry } from '../src/core/metrics/registry.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';
import { metric } from './helpers/metrics.ts';

const CONFIG = `
influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}
topics:
  - name: bitcoin
    keywords: [bitcoin, btc]
    coin: BTC
  - name: ethereum
    keywords: [ethereum, eth]
    coin: ETH
  - name: football
    keywords: [football, soccer]
coins: [BTC, ETH]
quotes: [USD, EUR]
`;
// Monday 2026-01-12 12:00:30 UTC: a fixed "now" so the history is the same every run.
const NOW = Date.UTC(2026, 0, 12, 12, 0, 30);
const HISTORY_HOURS = 3;

let buckets: { main: string; raw: string };
let writer: InfluxWriter;
let dir: string;

beforeAll(async () => {
  buckets = await freshBuckets('sim');
  writer = testWriter(buckets);
  dir = mkdtempSync(join(tmpdir(), 'simulate-'));
});
afterAll(async () => {
  await writer.close();
});

function config(simulate: Record<string, unknown>): Config {
  const cfg = parseConfig(CONFIG, { simulate: simulateConfigSchema });
  cfg.sources.simulate = simulateConfigSchema.parse(simulate);
  return cfg;
}

function makeSource(
  simulate: Record<string, unknown>,
  now?: () => number,
): { source: SimulateSource; metrics: ServiceRegistry; cfg: Config } {
  const cfg = config(simulate);
  const metrics = createServiceRegistry('test', { defaultMetrics: false });
  const ctx = buildSourceContext({
    config: cfg,
    writer,
    metrics,
    stateDir: mkdtempSync(join(dir, 'state-')),
    ...(now ? { now } : {}),
  });
  const source = simulateSource.create(ctx, cfg.sources.simulate as never) as SimulateSource;
  return { source, metrics, cfg };
}

/** Post points per topic in the raw bucket over [startMs, stopMs). */
async function postCounts(startMs: number, stopMs: number): Promise<Record<string, number>> {
  const rows = await queryRows<{ topic: string; _value: number }>(`
    from(bucket: "${buckets.raw}")
      |> range(start: ${new Date(startMs).toISOString()}, stop: ${new Date(stopMs).toISOString()})
      |> filter(fn: (r) => r._measurement == "post" and r.source == "simulate" and r._field == "id")
      |> group(columns: ["topic"])
      |> count()`);
  return Object.fromEntries(rows.map((r) => [r.topic, Number(r._value)]));
}

/** Sum of the `social` count field and number of rollup rows per topic. */
async function rollups(
  startMs: number,
  stopMs: number,
): Promise<Record<string, { sum: number; rows: number }>> {
  const base = `
    from(bucket: "${buckets.main}")
      |> range(start: ${new Date(startMs).toISOString()}, stop: ${new Date(stopMs).toISOString()})
      |> filter(fn: (r) => r._measurement == "social" and r.source == "simulate" and r._field == "count")
      |> group(columns: ["topic"])`;
  const sums = await queryRows<{ topic: string; _value: number }>(`${base} |> sum()`);
  const rows = await queryRows<{ topic: string; _value: number }>(`${base} |> count()`);
  return Object.fromEntries(
    sums.map((r) => [
      r.topic,
      { sum: Number(r._value), rows: Number(rows.find((c) => c.topic === r.topic)?._value) },
    ]),
  );
}

async function prices(
  startMs: number,
  stopMs: number,
): Promise<Array<{ symbol: string; quote: string; _time: string; _value: number }>> {
  return queryRows(`
    from(bucket: "${buckets.main}")
      |> range(start: ${new Date(startMs).toISOString()}, stop: ${new Date(stopMs).toISOString()})
      |> filter(fn: (r) => r._measurement == "price" and r.source == "simulate" and r._field == "price")
      |> group()
      |> sort(columns: ["symbol", "_time"])`);
}

describe('simulate source', () => {
  const m0 = Math.floor(NOW / MINUTE_MS);
  const historyStart = (m0 - HISTORY_HOURS * 60) * MINUTE_MS;
  const historyEnd = m0 * MINUTE_MS;
  let expected: Record<string, number>;

  it('writes the history through the pipeline: every post, one rollup per topic and minute, one price per coin and minute', async () => {
    const truthFile = join(dir, 'truth.json');
    const { source, metrics, cfg } = makeSource(
      { mode: 'backfill', historyHours: HISTORY_HOURS, truthFile },
      () => NOW,
    );
    const t0 = performance.now();
    await source.start();
    await source.finished();
    const elapsed = performance.now() - t0;
    expect(source.state()).toBe('stopped');
    await writer.flush();

    // What the model says, minute by minute.
    expected = {};
    for (const topic of source.model.topics) {
      let n = 0;
      for (let t = m0 - HISTORY_HOURS * 60; t < m0; t++) n += source.model.counts(topic, t).count;
      expected[topic.name] = n;
    }
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(HISTORY_HOURS * 3600 * 2 * 0.8);
    expect(await metric(metrics, 'simulate_posts_generated_total', { phase: 'history' })).toBe(total);
    expect(await metric(metrics, 'posts_received_total', { source: 'simulate' })).toBe(total);
    expect(await metric(metrics, 'posts_dropped_total', { source: 'simulate' })).toBe(0);

    expect(await postCounts(historyStart, historyEnd)).toEqual(expected);
    const r = await rollups(historyStart, historyEnd);
    for (const [topic, n] of Object.entries(expected))
      expect(r[topic]).toEqual({ sum: n, rows: HISTORY_HOURS * 60 });

    const p = await prices(historyStart, historyEnd);
    expect(p).toHaveLength(2 * HISTORY_HOURS * 60);
    expect(new Set(p.map((row) => row.quote))).toEqual(new Set(['USD']));
    const btc = source.model.coin('BTC')!;
    const first = p.find((row) => row.symbol === 'BTC')!;
    expect(Date.parse(first._time)).toBe(historyStart);
    expect(first._value).toBe(source.model.price(btc, m0 - HISTORY_HOURS * 60));

    // The truth file covers the history and what comes next, and equals the pure function.
    expect(existsSync(truthFile)).toBe(true);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as PlantedTruth;
    expect(truth.fromMs).toBe(historyStart);
    expect(truth).toEqual(plantedTruth(cfg, truth.fromMs, truth.toMs));
    expect(truth.coins.map((c) => [c.symbol, c.lagMinutes, c.correlation])).toEqual([
      ['BTC', 7, 0.6],
      ['ETH', 7, 0.6],
    ]);
    console.log(
      `simulate history: ${total} posts in ${elapsed.toFixed(0)} ms (${((total / elapsed) * 1000).toFixed(0)} posts/s)`,
    );
  });

  it('leaves every count unchanged when the same history is generated again', async () => {
    const { source } = makeSource(
      { mode: 'backfill', historyHours: HISTORY_HOURS, truthFile: join(dir, 't2.json') },
      () => NOW,
    );
    await source.start();
    await source.finished();
    await writer.flush();
    expect(await postCounts(historyStart, historyEnd)).toEqual(expected);
    const r = await rollups(historyStart, historyEnd);
    for (const [topic, n] of Object.entries(expected))
      expect(r[topic]).toEqual({ sum: n, rows: HISTORY_HOURS * 60 });
    expect(await prices(historyStart, historyEnd)).toHaveLength(2 * HISTORY_HOURS * 60);
  });

  it('emits live posts and prices at wall-clock time, and stop() writes everything promptly', async () => {
    const { source, metrics } = makeSource({
      mode: 'live',
      historyHours: 0,
      postsPerSecond: 30,
      priceIntervalSeconds: 1,
      seed: 7,
      truthFile: join(dir, 'live.json'),
    });
    const startMs = Date.now();
    await source.start();
    expect(source.state()).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const t0 = performance.now();
    await source.stop();
    const stopMs = performance.now() - t0;
    const endMs = Date.now();
    expect(stopMs).toBeLessThan(1000);
    expect(source.state()).toBe('stopped');
    await writer.flush();

    const generated = await metric(metrics, 'simulate_posts_generated_total', { phase: 'live' });
    // Live starts with the posts of the current minute up to now, then follows the clock.
    const minuteStart = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    expect(generated).toBeGreaterThan(((endMs - minuteStart) / 1000) * 30 * 0.4);
    const counts = await postCounts(minuteStart, endMs + MINUTE_MS);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(generated);
    const r = await rollups(minuteStart, endMs + MINUTE_MS);
    expect(Object.values(r).reduce((a, b) => a + b.sum, 0)).toBe(generated);
    // Every post's id is of this seed and no post is dated after the moment it was emitted.
    const late = await queryRows(`
      from(bucket: "${buckets.raw}")
        |> range(start: ${new Date(endMs + 1).toISOString()}, stop: ${new Date(endMs + 3_600_000).toISOString()})
        |> filter(fn: (r) => r._measurement == "post" and r._field == "id")
        |> count()`);
    expect(late).toEqual([]);
    const p = await prices(minuteStart, endMs + 1);
    const perCoin = p.filter((row) => row.symbol === 'ETH').length;
    expect(perCoin).toBeGreaterThanOrEqual(Math.floor((endMs - minuteStart) / 1000) - 1);
    expect(perCoin).toBe((await metric(metrics, 'simulate_prices_generated_total', { phase: 'live' })) / 2);
  });
});
