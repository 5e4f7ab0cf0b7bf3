// How soon a streaming anomaly is queryable after its bucket ends, on the wall clock, against the real
// InfluxDB. The analytics service runs with its default tick (0.25 s) and settle (7 s); rollups arrive as
// the collector writes them: 5 s after the bucket's end (its rollup grace) through a writer that
// flushes every second. Buckets are 10 s here (analytics.bucketSeconds) so the test takes seconds,
// not minutes: the settle and the tick, which make the delay, do not depend on the bucket size.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalyticsService, type AnalyticsService } from '../analytics/service/index.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry, type ServiceRegistry } from '../src/core/metrics/registry.ts';
import { msToNs, toLine } from '../src/core/write/line.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';
import { plantedConfigYaml, plantedSeries } from './helpers/planted-series.ts';

const B = 10_000;
const HISTORY = 300;
const COLLECTOR_GRACE_MS = 5_000;
const COINS = [{ topic: 'bitcoin', symbol: 'BTC', lagBuckets: 2, rho: 0.3, lambda: 0.4 }];
/** Six topics spike together: after any flag a detector stays quiet for a while (one flag per episode),
 * so one series alone could be silenced by a chance flag in its warm-up; six make that unlikely. */
const TOPICS = ['bitcoin', 'alpha', 'beta', 'gamma', 'delta', 'omega'];

const sleepUntil = (t: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

/** The rollups and the price of one live bucket, as the collector and a price source write them. */
function liveLines(
  startMs: number,
  counts: Map<string, number>,
  price: number,
): { social: string[]; price: string } {
  return {
    social: TOPICS.map((topic) => {
      const count = counts.get(topic) as number;
      return toLine({
        measurement: 'social',
        tags: { source: 'planted', topic },
        fields: {
          count: { int: count },
          pos: { int: Math.round(count * 0.3) },
          neg: { int: Math.round(count * 0.2) },
          neu: { int: count - Math.round(count * 0.3) - Math.round(count * 0.2) },
          score_sum: 0.1 * count,
          score_mean: 0.1,
        },
        timeNs: msToNs(startMs),
      });
    }),
    price: toLine({
      measurement: 'price',
      tags: { symbol: 'BTC', quote: 'USD', source: 'planted' },
      fields: { price },
      timeNs: msToNs(startMs + B / 2),
    }),
  };
}

describe('a streaming anomaly is written within 10 s of its bucket end', () => {
  let service: AnalyticsService;
  let writer: InfluxWriter;
  let registry: ServiceRegistry;
  let main: string;
  let liveStart: number;
  let lastPrice: number;
  /** Each topic's post count in the last bucket of the history: an ordinary live bucket. */
  const usual = new Map<string, number>();

  beforeAll(async () => {
    const env = influxEnv();
    const buckets = await freshBuckets('stream_latency');
    main = buckets.main;
    // Start the history so that the first live bucket begins at least 3 s from now.
    liveStart = Math.ceil((Date.now() + 3_000) / B) * B;
    const { lines } = plantedSeries({
      seed: 5,
      startMs: liveStart - HISTORY * B,
      buckets: HISTORY,
      bucketMs: B,
      coins: COINS,
      controlTopics: TOPICS.slice(1),
      spikes: { volume: 0, negative: 0, returns: 0 },
    });
    // Live prices continue the history's last one (a jump would be a returns anomaly of its own).
    for (const l of lines.filter((x) => x.startsWith('social')))
      usual.set(/topic=(\w+)/.exec(l)![1]!, Number(/count=(\d+)i/.exec(l)![1]));
    lastPrice = Number(
      /price=([\d.e+-]+)/.exec(lines.filter((l) => l.startsWith('price')).at(-1) ?? '')?.[1],
    );
    writer = testWriter(buckets, { flushIntervalMs: 1000 });
    writer.write('main', lines);
    await writer.flush();
    const yamlText = plantedConfigYaml({
      url: env.url,
      org: env.org,
      ...buckets,
      coins: COINS,
      controlTopics: TOPICS.slice(1),
      extraAnalytics: '  bucketSeconds: 10\n  streaming: { warmup: 50m }',
    });
    registry = createServiceRegistry('analytics', { defaultMetrics: false });
    service = await startAnalyticsService({
      config: parseConfig(yamlText, SOURCE_SCHEMAS),
      token: env.adminToken,
      serveHealth: false,
      scheduled: false,
      metrics: registry,
      stateDir: mkdtempSync(join(tmpdir(), 'stream-latency-')),
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await writer?.close();
  });

  it('flags a live spike and the point is queryable within 10 s of the bucket end', async () => {
    // Bucket 0 ordinary, bucket 1 five times the usual post count in every topic.
    const factors = [1, 5];
    let foundAfterMs = NaN;
    for (let k = 0; k < factors.length; k++) {
      const start = liveStart + k * B;
      const counts = new Map([...usual].map(([t, c]) => [t, Math.round(c * (factors[k] as number))]));
      const l = liveLines(start, counts, lastPrice * (1 + 1e-4 * k));
      await sleepUntil(start + B / 2);
      writer.write('main', [l.price]);
      await sleepUntil(start + B + COLLECTOR_GRACE_MS);
      writer.write('main', l.social);
      if (k !== 1) continue;
      const end = start + B;
      const deadline = end + 20_000;
      while (Date.now() < deadline) {
        const rows = await queryRows(
          `from(bucket: "${main}") |> range(start: ${new Date(start).toISOString()}, stop: ${new Date(end).toISOString()})
            |> filter(fn: (r) => r._measurement == "anomaly" and r.method == "streaming" and r.series == "volume" and r._field == "score")`,
        );
        if (rows.length > 0) {
          foundAfterMs = Date.now() - end;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const text = await registry.registry.metrics();
    const sum = Number(/analytics_streaming_delay_seconds_sum\{[^}]*\} ([\d.e+-]+)/.exec(text)?.[1]);
    const count = Number(/analytics_streaming_delay_seconds_count\{[^}]*\} (\d+)/.exec(text)?.[1]);
    process.stderr.write(
      `[streaming latency] spike bucket end -> anomaly point queryable: ${(foundAfterMs / 1000).toFixed(2)} s; ` +
        `bucket end -> flushed (metric, ${count} live buckets): mean ${(sum / count).toFixed(2)} s\n`,
    );
    expect(foundAfterMs).toBeLessThan(10_000);
    // The settle alone is 7 s: a smaller figure would mean the bucket was read before it closed.
    expect(foundAfterMs).toBeGreaterThanOrEqual(7_000);
    expect(count).toBeGreaterThanOrEqual(2);
    // The job's health on the service registry.
    expect(text).toMatch(/cryptocrawler_analytics_streaming_series\{[^}]*\} 19\b/);
    expect(text).toMatch(/cryptocrawler_analytics_streaming_flags_total\{[^}]*series="volume"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /cryptocrawler_analytics_streaming_state_saves_total\{[^}]*outcome="ok"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/cryptocrawler_analytics_streaming_buckets_total\{[^}]*phase="warmup"[^}]*\} 300\b/);
    expect(text).toMatch(/cryptocrawler_analytics_streaming_detector_seconds_count\{[^}]*\} [1-9]/);
  });
});
