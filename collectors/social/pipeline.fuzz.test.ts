// Thousands of generated raw posts through the real pipeline (router, scorer, rollups) into a capturing
// writer: random types, NaN/Infinity times, lone surrogates, control characters, 1 MB texts. ingest
// never throws, every line written is valid line protocol (checked by a strict reader below), and
// every drop is counted in cryptocrawler_posts_dropped_total by source and reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config/load.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createServiceRegistry } from '../../src/core/metrics/registry.ts';
import type { BucketRole, PointWriter } from '../../src/core/write/writer.ts';
import { SocialPipeline } from './pipeline.ts';
import { createTopicRouter } from './routing/index.ts';
import { createSentimentScorer } from './sentiment/index.ts';

const NOW = Date.UTC(2026, 0, 13, 12, 0, 0);
const TOPICS = ['bitcoin', 'ethereum', 'crypto', 'unknown'];
const config = parseConfig(
  `
influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}
topics:
  - {name: bitcoin, keywords: [bitcoin, btc], coin: BTC}
  - {name: ethereum, keywords: [ethereum, eth], coin: ETH}
  - {name: crypto, keywords: [crypto, "to the moon"]}
coins: [BTC, ETH]
quotes: [USD]
`,
  {},
);

class CapturingWriter implements PointWriter {
  readonly lines: Record<BucketRole, string[]> = { raw: [], main: [] };
  write(bucket: BucketRole, lines: string | string[]): void {
    this.lines[bucket].push(...(typeof lines === 'string' ? [lines] : lines));
  }
  flush = () => Promise.resolve();
  drain = () => Promise.resolve(true);
  close = () => Promise.resolve();
  bufferedLines = () => 0;
  failing = () => false;
}

interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, string | number | bigint | boolean>;
  timeNs: bigint;
}

/**
 * A strict reader of one line-protocol line (InfluxDB 2.x reference): measurement and tag/field keys
 * and tag values with only their escapes (comma, equals, space), string fields in double quotes with
 * only \" \\ and \n escapes, integers with the i suffix, finite floats, booleans, and an int64
 * nanosecond timestamp. Throws with the reason on anything else.
 */
function readLine(line: string): ParsedLine {
  if (/[\n\r]/.test(line)) throw new Error('raw newline');
  if (!line.isWellFormed()) throw new Error('lone surrogate');
  let i = 0;
  const name = (stops: string, what: string): string => {
    let out = '';
    while (i < line.length && !stops.includes(line[i]!)) {
      const c = line[i]!;
      if (c === '\\') {
        const next = line[i + 1];
        if (next === undefined || !', ='.includes(next)) throw new Error(`bad escape in ${what} at ${i}`);
        out += next;
        i += 2;
        continue;
      }
      if (c === '"' && what !== 'tag value') throw new Error(`quote in ${what}`);
      out += c;
      i++;
    }
    if (out === '') throw new Error(`empty ${what} at ${i}`);
    return out;
  };
  const measurement = name(', ', 'measurement');
  const tags: Record<string, string> = {};
  while (line[i] === ',') {
    i++;
    const k = name('=, ', 'tag key');
    if (line[i] !== '=') throw new Error(`tag ${k} without =`);
    i++;
    const v = name('=, ', 'tag value');
    if (line[i] === '=') throw new Error(`unescaped = in tag ${k}`);
    if (k in tags) throw new Error(`tag ${k} twice`);
    tags[k] = v;
  }
  if (line[i] !== ' ') throw new Error('no space before fields');
  i++;
  const fields: ParsedLine['fields'] = {};
  for (;;) {
    const k = name('=, ', 'field key');
    if (line[i] !== '=') throw new Error(`field ${k} without =`);
    i++;
    if (line[i] === '"') {
      i++;
      let s = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`unterminated string in ${k}`);
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i + 1];
          if (next !== '"' && next !== '\\' && next !== 'n') throw new Error(`bad string escape in ${k}`);
          s += next === 'n' ? '\n' : next;
          i += 2;
          continue;
        }
        s += c;
        i++;
      }
      i++;
      fields[k] = s;
    } else {
      const start = i;
      while (i < line.length && line[i] !== ',' && line[i] !== ' ') i++;
      const raw = line.slice(start, i);
      if (/^-?\d+i$/.test(raw)) {
        const n = BigInt(raw.slice(0, -1));
        if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw new Error(`integer ${k} out of range`);
        fields[k] = n;
      } else if (/^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw) && Number.isFinite(Number(raw)))
        fields[k] = Number(raw);
      else if (raw === 'true' || raw === 'false') fields[k] = raw === 'true';
      else throw new Error(`bad value of field ${k}: ${raw.slice(0, 40)}`);
    }
    if (k in tags) throw new Error(`field ${k} is also a tag`);
    if (line[i] === ',') {
      i++;
      continue;
    }
    break;
  }
  if (line[i] !== ' ') throw new Error('no space before the timestamp');
  const ts = line.slice(i + 1);
  if (!/^\d{1,19}$/.test(ts)) throw new Error(`bad timestamp ${ts.slice(0, 40)}`);
  const timeNs = BigInt(ts);
  if (timeNs > 2n ** 63n - 1n) throw new Error('timestamp beyond int64');
  return { measurement, tags, fields, timeNs };
}

function expectPostLine(line: string): void {
  const p = readLine(line);
  expect(p.measurement).toBe('post');
  expect(Object.keys(p.tags).sort()).toEqual(['label', 'lang', 'source', 'topic']);
  expect(TOPICS).toContain(p.tags.topic);
  expect(['pos', 'neg', 'neu']).toContain(p.tags.label);
  expect(p.tags.lang).toMatch(/^([a-z]{2,3}|und)$/);
  const score = p.fields.score as number;
  expect(typeof score === 'number' && score >= -1 && score <= 1).toBe(true);
  expect(typeof p.fields.text).toBe('string');
  expect((p.fields.text as string).trim()).not.toBe('');
  expect(typeof p.fields.id).toBe('string');
  // A post time within the window the pipeline accepts: now - 366 days .. now + 1 hour.
  const ms = Number(p.timeNs / 1_000_000n);
  expect(ms).toBeGreaterThanOrEqual(NOW - 366 * 86_400_000);
  expect(ms).toBeLessThanOrEqual(NOW + 3_600_000);
  expect(String(p.timeNs)).toHaveLength(19);
}

function expectSocialLine(line: string): void {
  const p = readLine(line);
  expect(p.measurement).toBe('social');
  expect(TOPICS).toContain(p.tags.topic);
  for (const k of ['count', 'pos', 'neg', 'neu']) expect(typeof p.fields[k]).toBe('bigint');
  expect(p.fields.count).toBe((p.fields.pos as bigint) + (p.fields.neg as bigint) + (p.fields.neu as bigint));
  for (const k of ['score_sum', 'score_mean', 'net']) expect(Number.isFinite(p.fields[k])).toBe(true);
  expect(p.timeNs % 1_000_000n).toBe(0n);
}

/** Texts of 1 MB: crypto words among lone surrogates, control characters, quotes and backslashes. */
function bigText(seed: number): string {
  const parts = [
    'bitcoin ',
    '$ETH ',
    'to the moon ',
    '\ud800',
    '\udc00x',
    '\u0000',
    '\u001b[31m',
    '"',
    '\\',
    '\n',
    '\r\n',
    'é',
    '🚀',
  ];
  let s = '';
  let x = seed;
  while (s.length < 1_000_000) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    s += parts[x % parts.length]!;
  }
  return s;
}
const BIG = [bigText(1), bigText(2), `${'\\'.repeat(1_000_000)}`, `${' '.repeat(999_999)}\u0000`];

const nearNow = fc.integer({ min: NOW - 400 * 86_400_000, max: NOW + 2 * 3_600_000 });
const text = fc.oneof(
  {
    arbitrary: fc.constantFrom('Bitcoin to the moon', 'eth dump, rekt', 'crypto is a scam', 'nice weather'),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  fc.string({
    unit: fc.constantFrom(
      '\ud800',
      '\udfff',
      '\u0000',
      '\u0007',
      '\u007f',
      '\\',
      '"',
      '\n',
      '\r',
      ' ',
      'b',
      'btc ',
    ),
    maxLength: 30,
  }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\\', 'btc\\', '"btc"'),
  fc.constantFrom(...BIG),
  fc.constantFrom(42, null, undefined, ['btc'], { text: 'btc' }),
);
const rawPost = fc.record(
  {
    id: fc.oneof(
      { arbitrary: fc.stringMatching(/^\d{1,19}$/), weight: 4 },
      fc.constantFrom('1', '2', '3'), // repeats, so duplicates happen
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('', 'x'.repeat(201), '\ud800', 'a\u0000b', 'a"b\\', 'a\nb', 'did:plc:abc/3l3q'),
      fc.constantFrom(1, null, NaN),
    ),
    text,
    createdAtMs: fc.oneof(
      { arbitrary: nearNow, weight: 5 },
      nearNow.map((t) => t + 0.5),
      fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 1e300, Number.MAX_SAFE_INTEGER, -0, 5e-324),
      fc.double(),
      fc.constantFrom('1768305600000', null, undefined),
    ),
    langs: fc.oneof(
      { arbitrary: fc.constant(['en']), weight: 4 },
      fc.constantFrom(
        ['EN-us'],
        ['en_GB'],
        [],
        ['de'],
        ['\ud800'],
        ['e'],
        ['english'],
        [1, 'en'],
        [null],
        'en',
        null,
      ),
      fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 2 }),
    ),
    authorId: fc.oneof(
      fc.stringMatching(/^\d{1,12}$/),
      fc.string({ unit: 'binary', maxLength: 10 }),
      fc.constantFrom(7, '', 'x'.repeat(300)),
    ),
    isRetweet: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, fc.constantFrom(true, 1, 'yes', null)),
  },
  { requiredKeys: [] },
);
const anyRaw = fc.oneof({ arbitrary: rawPost, weight: 8 }, fc.anything({ maxDepth: 2 }));

const REASONS = [
  'malformed',
  'missing_field',
  'not_english',
  'retweet',
  'too_old',
  'duplicate',
  'invalid_point',
  'too_large',
  'no_topic',
];

describe('SocialPipeline.ingest under fuzzing', () => {
  it('never throws, writes only valid line protocol and counts every drop by source and reason', async () => {
    const writer = new CapturingWriter();
    const metrics = createServiceRegistry('t', { defaultMetrics: false });
    const pipeline = new SocialPipeline({
      writer,
      router: createTopicRouter(config.topics),
      scorer: createSentimentScorer(),
      metrics,
      log: silentLogger,
      rollupIntervalMs: 60_000,
      now: () => NOW,
    });
    const drops = new Map<string, number>();
    let accepted = 0;
    let checked = 0;
    fc.assert(
      fc.property(
        anyRaw,
        fc.constantFrom('x', 'bluesky', 'replay'),
        fc.boolean(),
        (raw, source, requireEnglish) => {
          const before = writer.lines.raw.length;
          const r = pipeline.ingest(source, raw, { requireEnglish });
          const added = writer.lines.raw.slice(before);
          if (r === 'accepted') {
            accepted += added.length;
            expect(added.length).toBeGreaterThan(0);
            for (const l of added) expectPostLine(l);
            checked += added.length;
          } else {
            expect(REASONS).toContain(r);
            expect(added).toEqual([]);
            const key = `${source}/${r}`;
            drops.set(key, (drops.get(key) ?? 0) + 1);
          }
        },
      ),
      { numRuns: 3000 },
    );
    pipeline.flushAll();
    for (const l of writer.lines.main) expectSocialLine(l);

    const text = await metrics.registry.metrics();
    const counted = new Map<string, number>();
    for (const m of text.matchAll(/^cryptocrawler_posts_dropped_total\{([^}]*)\} (\d+)$/gm)) {
      const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      counted.set(`${labels.source}/${labels.reason}`, Number(m[2]));
    }
    expect(counted).toEqual(drops);
    let received = 0;
    for (const m of text.matchAll(/^cryptocrawler_posts_received_total\{[^}]*\} (\d+)$/gm))
      received += Number(m[1]);
    expect(received).toBe(accepted);
    // The generators reach both sides: many posts stored, many dropped for several reasons.
    expect(checked).toBeGreaterThan(300);
    expect(new Set([...drops.keys()].map((k) => k.split('/')[1])).size).toBeGreaterThanOrEqual(5);
    expect(writer.lines.main.length).toBeGreaterThan(0);
  });

  it('the strict reader itself refuses broken lines', () => {
    const good =
      'post,label=neu,lang=en,source=x,topic=bitcoin score=0,text="a \\"b\\" \\\\ c\\n",id="1" 1768305600000000001';
    expect(readLine(good).fields.text).toBe('a "b" \\ c\n');
    for (const bad of [
      'post,topic=a b score=0 1',
      'post,topic=a\\ score=0 1',
      'post,topic= score=0 1',
      'post,topic=a score=NaN 1',
      'post,topic=a score=1.5i 1',
      'post,topic=a text="x\\y" 1',
      'post,topic=a text="x 1',
      'post,topic=a text="x\ny" 1',
      'post,topic=a text="\ud800" 1',
      'post,topic=a score=1 17683056000000000000',
      'post,topic=a score=1 -1',
      'post,topic=a score=1',
      'post score=1,score2 1',
    ])
      expect(() => readLine(bad), bad).toThrow();
  });
});
