// Shared by the shard, replica and partition tests: a recorded file of posts to replay, a config with
// a few topics, and the combined `social` counts read back with the Flux every reader uses.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayConfigSchema } from '../../collectors/social/replay/config.ts';
import { replaySource } from '../../collectors/social/replay/index.ts';
import type { ReplaySource } from '../../collectors/social/replay/source.ts';
import { combineSocialStages } from '../../collectors/social/rollup-flux.ts';
import { buildSourceContext } from '../../src/collector/context.ts';
import { parseConfig } from '../../src/core/config/load.ts';
import { createServiceRegistry } from '../../src/core/metrics/registry.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { testWriter } from './influx.ts';
import { metric } from './metrics.ts';

export const SHARD_TOPICS_YAML = `
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
coins: [BTC, ETH, IOTA]
quotes: [USD]
`;

const PHRASES = [
  'bitcoin to the moon',
  'btc looks weak today',
  'ethereum gas is awful',
  'eth and bitcoin both pumping',
  'iota tangle update is great',
  'football tonight, no crypto',
  'nothing to see here',
  'sold my eth for btc, rekt',
];

/**
 * Writes `n` posts as NDJSON spread evenly over `minutes` minutes from `startMs` (ids unique and
 * numeric like X's), seeded, so every run of a test replays the same file.
 */
export function writeReplayFile(file: string, n: number, startMs: number, minutes: number, seed = 7): void {
  const rnd = mulberry32(seed);
  const lines: string[] = [];
  const spanMs = minutes * 60_000;
  for (let i = 0; i < n; i++) {
    const text = `${PHRASES[Math.floor(rnd() * PHRASES.length)]} #${i % 97}`;
    const createdAtMs = startMs + Math.floor((i * spanMs) / n);
    lines.push(
      JSON.stringify({ id: String(1880000000000000000n + BigInt(i)), text, createdAtMs, lang: 'en' }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Flux: the combined count per topic and minute (shards summed, replicas maxed), from `main`. */
export function combinedCountsFlux(main: string, startMs: number, stopMs: number, field = 'count'): string {
  return [
    `from(bucket: ${JSON.stringify(main)})`,
    `  |> range(start: ${new Date(startMs).toISOString()}, stop: ${new Date(stopMs).toISOString()})`,
    `  |> filter(fn: (r) => r._measurement == "social" and r._field == ${JSON.stringify(field)})`,
    ...combineSocialStages({ every: '1m', by: ['topic'] }).map((s) => `  ${s}`),
    `  |> keep(columns: ["_time", "topic", "_value"])`,
  ].join('\n');
}

/** Flux: the plain sum of every `social` count point per topic and minute (what ignoring the tags gives). */
export function naiveCountsFlux(main: string, startMs: number, stopMs: number): string {
  return [
    `from(bucket: ${JSON.stringify(main)})`,
    `  |> range(start: ${new Date(startMs).toISOString()}, stop: ${new Date(stopMs).toISOString()})`,
    `  |> filter(fn: (r) => r._measurement == "social" and r._field == "count")`,
    `  |> group(columns: ["topic"])`,
    `  |> aggregateWindow(every: 1m, fn: sum, createEmpty: false, timeSrc: "_start")`,
  ].join('\n');
}

/** Rows of (_time, topic, _value) as a map "topic@time" -> value. */
export function byTopicMinute(
  rows: Array<{ _time: string; topic: string; _value: number }>,
): Map<string, number> {
  return new Map(rows.map((r) => [`${r.topic}@${r._time}`, Number(r._value)]));
}

export function total(m: Map<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}

export interface CollectorSpec {
  shard: string;
  instance: string;
}

/** Replays the file through one collector per entry (each its own pipeline, state and writer). */
export async function replayAll(
  file: string,
  dir: string,
  buckets: { main: string; raw: string },
  collectors: CollectorSpec[],
): Promise<{ accepted: number; skipped: number }> {
  let accepted = 0;
  let skipped = 0;
  await Promise.all(
    collectors.map(async (c, i) => {
      const config = parseConfig(
        `influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}\n${SHARD_TOPICS_YAML}collector: {shard: "${c.shard}", instance: ${c.instance}}\n`,
        { replay: replayConfigSchema },
      );
      const writer = testWriter(buckets);
      const metrics = createServiceRegistry('test', { defaultMetrics: false });
      const ctx = buildSourceContext({ config, writer, metrics, stateDir: mkdtempSync(join(dir, `s${i}-`)) });
      const source = replaySource.create(
        ctx,
        replayConfigSchema.parse({ file, progress: false }),
      ) as ReplaySource;
      await source.start();
      const summary = await source.finished();
      await writer.close();
      accepted += summary.accepted;
      skipped += await metric(metrics, 'posts_skipped_total', { reason: 'other_shard' });
    }),
  );
  return { accepted, skipped };
}
