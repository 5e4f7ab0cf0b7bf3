// End to end on the simulate source: hours of seeded posts, with emerging terms planted at known
// times, go through the real collector (pipeline, trends hook, writer) into the real InfluxDB; the
// `emerging_term` points read back are compared with what the simulator planted (recall and time to
// detection), and `cryptocrawler trends --since` prints the `trend` points as JSON lines.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { plantedEmergingTerms, type PlantedEmergingTerm } from '../collectors/social/simulate/index.ts';
import { startCollector } from '../src/collector/service.ts';
import { parseConfig, type Config } from '../src/core/config/load.ts';
import { freshBuckets, influxEnv, queryRows } from './helpers/influx.ts';

const run = promisify(execFile);
const HISTORY_HOURS = 8;
const WARMUP_HOURS = 2;
const FIVE_MIN = 300_000;

interface EventRow {
  _time: string;
  topic: string;
  interval: string;
  term: string;
  count: number;
  baseline_count: number;
}

describe('trends on the simulate source find the planted emerging terms', () => {
  let config: Config;
  let configFile: string;
  let buckets: { main: string; raw: string };
  let planted: PlantedEmergingTerm[];
  let events: EventRow[];
  let histStartMs: number;
  let endMs: number;

  beforeAll(async () => {
    const env = influxEnv();
    buckets = await freshBuckets('trends_e2e');
    const raw = yaml.load(readFileSync('config.yaml', 'utf8')) as Record<string, Record<string, unknown>>;
    raw.influx = {
      ...raw.influx,
      url: env.url,
      org: env.org,
      buckets: { main: { name: buckets.main }, raw: { name: buckets.raw } },
    };
    raw.sources = {
      simulate: { enabled: true, mode: 'backfill', historyHours: HISTORY_HOURS, emergingTermsPerDay: 24 },
    };
    raw.trends = { emerging: { warmup: `${WARMUP_HOURS}h` } };
    const work = mkdtempSync(join(tmpdir(), 'trends-e2e-'));
    (raw.influx as { spool?: unknown }).spool = { dir: join(work, 'spool') };
    const text = yaml.dump(raw);
    configFile = join(work, 'config.yaml');
    writeFileSync(configFile, text);
    config = parseConfig(text, SOURCE_SCHEMAS);

    const t0 = Date.now();
    const collector = await startCollector({
      config,
      token: env.adminToken,
      sources: ['simulate'],
      port: null,
      dataDir: work,
    });
    const sim = collector.running[0]!.source as unknown as { finished(): Promise<void> };
    await sim.finished();
    await collector.stop();
    endMs = Date.now();
    histStartMs = Math.floor((t0 - HISTORY_HOURS * 3_600_000) / 60_000) * 60_000;
    planted = plantedEmergingTerms(config, histStartMs, t0);
    events = await queryRows<EventRow>(`from(bucket: "${buckets.main}")
      |> range(start: -${HISTORY_HOURS + 2}h)
      |> filter(fn: (r) => r._measurement == "emerging_term" and r.interval == "5m")
      |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
      |> group() |> sort(columns: ["_time"])`);
  }, 300_000);

  it('finds the planted terms with recall >= 0.9 within two 5-minute intervals', () => {
    // Terms planted once the baseline is warm and ending before the history does.
    const scored = planted.filter(
      (p) => p.startMs >= histStartMs + WARMUP_HOURS * 3_600_000 + FIVE_MIN && p.endMs <= endMs - FIVE_MIN,
    );
    expect(scored.length).toBeGreaterThanOrEqual(20);
    const delays: number[] = [];
    for (const p of scored) {
      const e = events.find((x) => x.topic === p.topic && x.term === p.term);
      if (!e) continue;
      const detectedAt = Date.parse(e._time) + FIVE_MIN; // an interval is known when it ends
      if (detectedAt - p.startMs <= 2 * FIVE_MIN) delays.push(detectedAt - p.startMs);
    }
    const recall = delays.length / scored.length;
    const sorted = [...delays].sort((a, b) => a - b);
    const plantedTerms = new Set(planted.map((p) => `${p.topic}\u0000${p.term}`));
    const analysed = events.filter((e) => Date.parse(e._time) >= histStartMs + WARMUP_HOURS * 3_600_000);
    const falseEvents = analysed.filter((e) => !plantedTerms.has(`${e.topic}\u0000${e.term}`));
    process.stderr.write(
      `[trends e2e] planted ${scored.length}, found within two intervals ${delays.length} (recall ${recall.toFixed(2)}); ` +
        `time to detection median ${(sorted[Math.floor(sorted.length / 2)]! / 60_000).toFixed(1)} min, ` +
        `max ${(sorted[sorted.length - 1]! / 60_000).toFixed(1)} min; ` +
        `events not planted ${falseEvents.length} of ${analysed.length}` +
        `${
          falseEvents.length
            ? ` (${falseEvents
                .slice(0, 5)
                .map((e) => `${e.topic}:${e.term}`)
                .join(', ')})`
            : ''
        }\n`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('writes top terms, themes and share of voice that add up', async () => {
    const share = await queryRows<{
      _time: string;
      interval: string;
      _value: number;
    }>(`from(bucket: "${buckets.main}")
      |> range(start: -${HISTORY_HOURS + 2}h)
      |> filter(fn: (r) => r._measurement == "share_of_voice" and r._field == "share")
      |> group(columns: ["_time", "interval"]) |> sum()`);
    expect(share.length).toBeGreaterThan(HISTORY_HOURS * 12);
    for (const s of share) expect(s._value).toBeCloseTo(1, 5);
    const themes = await queryRows<{
      topic: string;
      terms: string;
      share: number;
      coherence: number;
    }>(`from(bucket: "${buckets.main}")
      |> range(start: -${HISTORY_HOURS + 2}h)
      |> filter(fn: (r) => r._measurement == "theme")
      |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
      |> group()`);
    expect(themes.length).toBeGreaterThan(0);
    const coherence = themes.reduce((s, t) => s + t.coherence, 0) / themes.length;
    process.stderr.write(
      `[trends e2e] ${themes.length} theme points, mean NPMI coherence on held-back posts ${coherence.toFixed(3)}; e.g. ${themes
        .slice(0, 3)
        .map((t) => `${t.topic}: ${t.terms} (${(t.share * 100).toFixed(0)} %)`)
        .join('; ')}\n`,
    );
    for (const t of themes) {
      expect(t.terms.length).toBeGreaterThan(0);
      expect(t.coherence).toBeGreaterThanOrEqual(-1);
      expect(t.coherence).toBeLessThanOrEqual(1);
    }
    const ranks = await queryRows<{ rank: string }>(`import "influxdata/influxdb/schema"
      schema.tagValues(bucket: "${buckets.main}", tag: "rank", predicate: (r) => r._measurement == "trend", start: -${HISTORY_HOURS + 2}h)`);
    expect(ranks.length).toBeLessThanOrEqual(config.trends.top);
  });

  it('prints the stored trend points with `trends --since` as JSON lines', async () => {
    const r = await run(
      'node',
      [
        'bin/cryptocrawler.js',
        '--config',
        configFile,
        'trends',
        '--since',
        `${HISTORY_HOURS + 2}h`,
        '--interval',
        '1h',
      ],
      {
        env: { ...process.env, INFLUX_TOKEN: influxEnv().adminToken },
        timeout: 60_000,
      },
    );
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const stored = await queryRows<{ _value: string }>(`from(bucket: "${buckets.main}")
      |> range(start: -${HISTORY_HOURS + 2}h)
      |> filter(fn: (r) => r._measurement == "trend" and r.interval == "1h" and r._field == "term") |> group()`);
    expect(lines.length).toBe(stored.length);
    expect(Object.keys(lines[0]!)).toEqual([
      'interval_end',
      'topic',
      'rank',
      'term',
      'count',
      'baseline_count',
      'score',
      'emerging',
    ]);
    const first = lines[0]!;
    expect(Date.parse(String(first.interval_end)) % 3_600_000).toBe(0);
    expect(
      lines
        .filter((l) => l.interval_end === first.interval_end && l.topic === first.topic)
        .map((l) => l.rank),
    ).toEqual(
      Array.from(
        {
          length: lines.filter((l) => l.interval_end === first.interval_end && l.topic === first.topic)
            .length,
        },
        (_, i) => i + 1,
      ),
    );
  });
});
