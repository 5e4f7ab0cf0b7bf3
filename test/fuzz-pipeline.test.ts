// About 2,000 generated posts, valid ones with hostile texts and ids beside malformed ones, through the
// real pipeline and InfluxWriter into the real influxd: InfluxDB rejects no line, the number of `post`
// points stored equals what the pipeline counted as accepted, the rollups count the same posts, stored
// texts read back as sent, and no promise rejection goes unhandled.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { cleanText } from '../collectors/social/post.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';

const NOW = Date.now();
const SOURCES = ['x', 'bluesky', 'replay'] as const;

/** Characters that break naive line-protocol writers, JSON and terminals. */
const nasty = fc.constantFrom(
  '\ud800',
  '\udc00',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\\',
  '"',
  "'",
  '\n',
  '\r',
  '\t',
  ',',
  '=',
  ' ',
  'é',
  '🚀',
  '\u2028',
  '\ufeff',
  'btc',
  ' bitcoin ',
  '$ETH',
  '#crypto',
  'to the moon',
  'rekt',
);
const hostileText = fc.oneof(
  fc.string({ unit: nasty, minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
  fc.constantFrom('btc\\', '"btc"', 'btc\\"', 'bitcoin \\\\n', `${'bitcoin '.repeat(2000)}\\`),
);
const validPost = fc.record({
  text: hostileText,
  createdAtMs: fc.integer({ min: NOW - 2 * 3_600_000, max: NOW }),
  langs: fc.constantFrom(['en'], ['en-US'], ['EN']),
  authorId: fc.oneof(fc.stringMatching(/^\d{1,12}$/), fc.string({ unit: nasty, maxLength: 8 })),
  isRetweet: fc.constant(false),
  /** Bluesky ids are did/rkey text, so quotes, backslashes, spaces and worse reach the id field. */
  didSuffix: fc.string({ unit: nasty, maxLength: 6 }),
});
const malformedPost = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.record(
    {
      id: fc.oneof(fc.string({ unit: nasty, maxLength: 5 }), fc.constantFrom('', null, 7, 'x'.repeat(300))),
      text: fc.oneof(fc.string({ unit: nasty, maxLength: 10 }), fc.constantFrom(null, 1, '', ' \u0000 ')),
      createdAtMs: fc.oneof(
        fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 1e300, NOW - 400 * 86_400_000, NOW + 86_400_000),
        fc.double(),
      ),
      langs: fc.constantFrom(['de'], [], [1], 'en', undefined),
      isRetweet: fc.constantFrom(true, false, 'yes'),
    },
    { requiredKeys: [] },
  ),
);
type Generated =
  { kind: 'valid'; post: Record<string, unknown> } | { kind: 'other'; raw: unknown; post?: undefined };
const generated = fc.oneof(
  { arbitrary: validPost.map((post): Generated => ({ kind: 'valid', post })), weight: 3 },
  { arbitrary: malformedPost.map((raw): Generated => ({ kind: 'other', raw })), weight: 2 },
);

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let stateDir: string;

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  stateDir = mkdtempSync(join(tmpdir(), 'fuzz-pipeline-'));
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  rmSync(stateDir, { recursive: true, force: true });
});

function metricSum(text: string, name: string, filter: (labels: string) => boolean = () => true): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm')))
    if (filter(m[1]!)) sum += Number(m[2]);
  return sum;
}

describe('fuzzed posts through the pipeline into a real InfluxDB', () => {
  it('no line is rejected and every accepted post is stored, counted and readable as sent', async () => {
    const buckets = await freshBuckets('fuzz');
    const metrics = createServiceRegistry('collector', { defaultMetrics: false });
    const writer = testWriter(buckets, { metrics });
    const env = influxEnv();
    const shipped = parseConfig(readFileSync('config.yaml', 'utf8'), SOURCE_SCHEMAS);
    const config = {
      ...shipped,
      influx: { ...shipped.influx, url: env.url, org: env.org, buckets: { ...shipped.influx.buckets } },
    };
    const ctx = buildSourceContext({ config, writer, metrics, stateDir, now: () => NOW });

    const inputs = fc.sample(generated, { numRuns: 2000, seed: 20260113 });
    const expectedText = new Map<string, string>();
    let nextId = 1_900_000_000_000_000_000n;
    const results: Record<string, number> = {};
    for (const [i, g] of inputs.entries()) {
      const source = SOURCES[i % SOURCES.length]!;
      // Valid posts arrive in time order over the last 100 minutes, so none is too late for its rollup.
      const createdAtMs = NOW - 6_000_000 + i * 3000 + ((g.post?.createdAtMs as number) % 3000);
      const id =
        source === 'bluesky' ? `did:plc:${g.post?.didSuffix as string}/${nextId++}` : String(nextId++);
      const raw = g.kind === 'valid' ? { ...g.post, id, createdAtMs } : g.raw;
      const r = ctx.social.ingest(source, raw);
      results[r] = (results[r] ?? 0) + 1;
      if (r === 'accepted' && g.kind === 'valid') {
        const p = raw as { id: string; text: string };
        // Stored as the pipeline cleans it; a CR is dropped by the line encoder (see src/core/write/line.ts).
        expectedText.set(`${source}/${p.id}`, cleanText(p.text).replace(/\r/g, ''));
      }
    }
    ctx.social.flushAll();
    await writer.flush();
    expect(await writer.drain(30_000)).toBe(true);
    await writer.close();

    const text = await metrics.registry.metrics();
    const rejected = metricSum(text, 'cryptocrawler_points_dropped_total', (l) =>
      l.includes('reason="rejected"'),
    );
    expect(rejected).toBe(0);
    expect(metricSum(text, 'cryptocrawler_write_errors_total')).toBe(0);
    const accepted = metricSum(text, 'cryptocrawler_posts_received_total');
    const dropped = metricSum(text, 'cryptocrawler_posts_dropped_total');
    // Every input is either stored (one point per topic) or dropped and counted.
    expect(dropped).toBe(inputs.length - (results.accepted ?? 0));
    expect(results.accepted ?? 0).toBeGreaterThan(800);
    expect(dropped).toBeGreaterThan(500);

    const range = 'range(start: -3d, stop: 2h)';
    const [postCount] = await queryRows<{ _value: number }>(
      `from(bucket: "${buckets.raw}") |> ${range} |> filter(fn: (r) => r._measurement == "post" and r._field == "score")
       |> group() |> count()`,
    );
    expect(postCount?._value).toBe(accepted);
    const [rollupSum] = await queryRows<{ _value: number }>(
      `from(bucket: "${buckets.main}") |> ${range} |> filter(fn: (r) => r._measurement == "social" and r._field == "count")
       |> group() |> sum()`,
    );
    expect(metricSum(text, 'cryptocrawler_rollup_late_posts_total')).toBe(0);
    expect(rollupSum?._value).toBe(accepted);

    const stored = await queryRows<{ source: string; id: string; text: string }>(
      `from(bucket: "${buckets.raw}") |> ${range} |> filter(fn: (r) => r._measurement == "post")
       |> filter(fn: (r) => r._field == "id" or r._field == "text")
       |> pivot(rowKey: ["_time", "source", "topic"], columnKey: ["_field"], valueColumn: "_value")
       |> keep(columns: ["source", "id", "text"])`,
    );
    expect(stored).toHaveLength(accepted);
    let newlines = 0;
    for (const row of stored) {
      // Every stored id is one that was sent: nothing altered on the way (a lone surrogate would be).
      const want = expectedText.get(`${row.source}/${row.id}`);
      expect(want, `${row.source}/${row.id}`).toBeDefined();
      if (want === undefined) continue;
      if (want.includes('\n')) {
        // Line protocol has no newline in a string field: it is written as the two characters \n.
        expect(row.text).toBe(want.replace(/\n/g, '\\n'));
        newlines++;
      } else expect(row.text).toBe(want);
    }
    expect(new Set(stored.map((r) => `${r.source}/${r.id}`)).size).toBe(expectedText.size);
    expect(stored.some((r) => /[" \\,=]/.test(r.id))).toBe(true);
    expect(newlines).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
  });
});
