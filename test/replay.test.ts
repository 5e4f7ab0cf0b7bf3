// The replay source against the real influxd: the recorded samples land as `post` points and `social`
// rollups, bad records are counted by reason and skipped, replaying the same file again changes no
// count, two posts in the same millisecond both survive, and a speed factor paces the posts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayConfigSchema } from '../collectors/social/replay/config.ts';
import { replaySource } from '../collectors/social/replay/index.ts';
import type { ReplaySource, ReplaySummary } from '../collectors/social/replay/source.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig } from '../src/core/config/load.ts';
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
  - name: iota
    keywords: [iota, tangle]
    coin: IOTA
  - name: football
    keywords: [football]
  - name: weather
    keywords: [weather, rain]
coins: [BTC, ETH, IOTA]
quotes: [USD]
`;
const NDJSON = fileURLToPath(new URL('../collectors/social/replay/testdata/sample.ndjson', import.meta.url));
const CSV = fileURLToPath(new URL('../collectors/social/replay/testdata/sample.csv', import.meta.url));
// The samples were recorded on 2026-01-12 around 10:00 UTC; "now" is a day later.
const NOW = Date.UTC(2026, 0, 13, 10, 0, 0);
const RANGE = `range(start: 2026-01-12T00:00:00Z, stop: 2026-01-13T00:00:00Z)`;

let buckets: { main: string; raw: string };
let writer: InfluxWriter;
let dir: string;

beforeAll(async () => {
  buckets = await freshBuckets('replay');
  writer = testWriter(buckets);
  dir = mkdtempSync(join(tmpdir(), 'replay-'));
});
afterAll(async () => {
  await writer.close();
});

function makeSource(
  replay: Record<string, unknown>,
  now: () => number = () => NOW,
  to: InfluxWriter = writer,
): { source: ReplaySource; metrics: ServiceRegistry } {
  const config = parseConfig(CONFIG, { replay: replayConfigSchema });
  const metrics = createServiceRegistry('test', { defaultMetrics: false });
  const ctx = buildSourceContext({
    config,
    writer: to,
    metrics,
    stateDir: mkdtempSync(join(dir, 'state-')),
    now,
  });
  const cfg = replayConfigSchema.parse({ progress: false, ...replay });
  return { source: replaySource.create(ctx, cfg) as ReplaySource, metrics };
}

async function run(
  replay: Record<string, unknown>,
  now?: () => number,
  to: InfluxWriter = writer,
): Promise<{ summary: ReplaySummary; metrics: ServiceRegistry }> {
  const { source, metrics } = makeSource(replay, now, to);
  await source.start();
  const summary = await source.finished();
  expect(source.state()).toBe('stopped');
  await to.flush();
  return { summary, metrics };
}

/** Post points per topic with ids of this prefix, and the sum of `social` counts per topic. */
async function counts(
  idPrefix: string,
  b: { main: string; raw: string } = buckets,
): Promise<{ posts: Record<string, number>; rollups: Record<string, number> }> {
  const posts = await queryRows<{ topic: string; _value: number }>(`
    import "strings"
    from(bucket: "${b.raw}")
      |> ${RANGE}
      |> filter(fn: (r) => r._measurement == "post" and r.source == "replay" and r._field == "id")
      |> filter(fn: (r) => strings.hasPrefix(v: r._value, prefix: "${idPrefix}"))
      |> group(columns: ["topic"])
      |> count()`);
  const rollups = await queryRows<{ topic: string; _value: number }>(`
    from(bucket: "${b.main}")
      |> ${RANGE}
      |> filter(fn: (r) => r._measurement == "social" and r.source == "replay" and r._field == "count")
      |> group(columns: ["topic"])
      |> sum()`);
  return {
    posts: Object.fromEntries(posts.map((r) => [r.topic, Number(r._value)])),
    rollups: Object.fromEntries(rollups.map((r) => [r.topic, Number(r._value)])),
  };
}

describe('replay source', () => {
  const ndjsonTopics = { bitcoin: 4, ethereum: 3, iota: 1, football: 1, weather: 1, unknown: 1 };

  it('replays the NDJSON sample: good posts stored, every bad record counted by reason', async () => {
    const { summary, metrics } = await run({ file: NDJSON, maxRecordBytes: 1024 });
    expect(summary).toMatchObject({
      records: 20,
      accepted: 11,
      dropped: { not_english: 1, duplicate: 1, malformed: 2, missing_field: 3, too_long: 1, invalid_utf8: 1 },
    });
    for (const [reason, n] of Object.entries(summary.dropped))
      expect(await metric(metrics, 'posts_dropped_total', { source: 'replay', reason })).toBe(n);
    expect(await metric(metrics, 'replay_records_total')).toBe(20);
    const c = await counts('188');
    expect(c.posts).toEqual(ndjsonTopics);
    expect(c.rollups).toEqual(ndjsonTopics);
  });

  it('keeps both posts of the same millisecond, topic and label', async () => {
    const rows = await queryRows<{ _value: string; _time: string }>(`
      from(bucket: "${buckets.raw}")
        |> range(start: 2026-01-12T10:00:02Z, stop: 2026-01-12T10:00:02.001Z)
        |> filter(fn: (r) => r._measurement == "post" and r._field == "id" and r.topic == "bitcoin")`);
    expect(rows.map((r) => r._value).sort()).toEqual(['1880000000000000003', '1880000000000000004']);
    expect(new Set(rows.map((r) => r._time)).size).toBe(2);
  });

  it('replaying the same file again leaves every count unchanged', async () => {
    const { summary } = await run({ file: NDJSON, maxRecordBytes: 1024 });
    expect(summary.accepted).toBe(11);
    const c = await counts('188');
    expect(c.posts).toEqual(ndjsonTopics);
    expect(c.rollups).toEqual(ndjsonTopics);
    const perMinute = await queryRows<{ _time: string; _value: number }>(`
      from(bucket: "${buckets.main}")
        |> ${RANGE}
        |> filter(fn: (r) => r._measurement == "social" and r.source == "replay" and r._field == "count" and r.topic == "bitcoin")`);
    expect(perMinute.map((r) => [r._time, Number(r._value)])).toEqual([
      ['2026-01-12T10:00:00Z', 3],
      ['2026-01-12T10:02:00Z', 1],
    ]);
  });

  it('replays the CSV sample (quoted commas, quotes and newlines) and counts its bad rows', async () => {
    // Own buckets: its posts share minutes and topics with the NDJSON sample's.
    const csvBuckets = await freshBuckets('replaycsv');
    const csvWriter = testWriter(csvBuckets);
    try {
      const { summary } = await run({ file: CSV }, undefined, csvWriter);
      expect(summary).toMatchObject({
        records: 12,
        accepted: 7,
        dropped: { malformed: 2, missing_field: 1, invalid_utf8: 1, not_english: 1 },
      });
      const c = await counts('288', csvBuckets);
      expect(c.posts).toEqual({ bitcoin: 4, ethereum: 1, iota: 1, football: 1 });
      expect(c.rollups).toEqual(c.posts);
      const text = await queryRows<{ _value: string }>(`
        from(bucket: "${csvBuckets.raw}")
          |> ${RANGE}
          |> filter(fn: (r) => r._measurement == "post" and r._field == "text" and r.source == "replay")
          |> filter(fn: (r) => r._value =~ /never again|two lines/)
          |> group()
          |> sort(columns: ["_time"])`);
      expect(text.map((r) => r._value)).toEqual([
        'Sold my ETH, "never again" - this crash is brutal',
        // The core line encoder escapes a newline in a string field as backslash-n, which InfluxDB stores as is.
        'A post over\\ntwo lines about btc',
      ]);
    } finally {
      await csvWriter.close();
    }
  });

  it('paces posts by their recorded gaps at the speed factor, shifting them to the start time', async () => {
    const file = join(dir, 'paced.ndjson');
    const base = Date.UTC(2026, 0, 12, 12, 0, 0);
    writeFileSync(
      file,
      [0, 1000, 2000, 3000]
        .map((d, i) =>
          JSON.stringify({ id: `paced-${i}`, text: 'bitcoin paced', createdAtMs: base + d, lang: 'en' }),
        )
        .join('\n'),
    );
    const start = Date.UTC(2026, 0, 12, 15, 0, 0);
    const t0 = performance.now();
    const { summary } = await run({ file, speed: 10, timestamps: 'shift' }, () => start);
    const elapsed = performance.now() - t0;
    expect(summary.accepted).toBe(4);
    // 3 s of recorded time at 10x: about 300 ms.
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2000);
    const rows = await queryRows<{ _time: string }>(`
      from(bucket: "${buckets.raw}")
        |> range(start: 2026-01-12T14:00:00Z, stop: 2026-01-12T16:00:00Z)
        |> filter(fn: (r) => r._measurement == "post" and r._field == "id")
        |> sort(columns: ["_time"])`);
    // Shifted and compressed: the first at the start time, then every 100 ms (plus the id's sub-ms offset).
    expect(rows.map((r) => Math.floor(Date.parse(r._time) / 100) * 100 - start)).toEqual([0, 100, 200, 300]);
  });

  it('stops promptly in the middle of a real-time replay and writes what it read', async () => {
    const file = join(dir, 'slow.ndjson');
    const base = Date.UTC(2026, 0, 12, 13, 0, 0);
    writeFileSync(
      file,
      [0, 60_000, 120_000]
        .map((d, i) =>
          JSON.stringify({ id: `slow-${i}`, text: 'ethereum slow', createdAtMs: base + d, lang: 'en' }),
        )
        .join('\n'),
    );
    const { source } = makeSource({ file, speed: 1 });
    await source.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const t0 = performance.now();
    await source.stop();
    expect(performance.now() - t0).toBeLessThan(500);
    await writer.flush();
    const rows = await queryRows(`
      from(bucket: "${buckets.main}")
        |> range(start: 2026-01-12T13:00:00Z, stop: 2026-01-12T13:10:00Z)
        |> filter(fn: (r) => r._measurement == "social" and r._field == "count" and r.topic == "ethereum")`);
    expect(rows.map((r) => Number(r._value))).toEqual([1]);
  });

  it('refuses to start without a readable file, naming the key', async () => {
    const { source } = makeSource({ file: join(dir, 'missing.ndjson') });
    await expect(source.start()).rejects.toThrow(/sources\.replay\.file/);
    expect(source.state()).toBe('failed');
  });
});
