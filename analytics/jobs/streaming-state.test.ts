import { describe, expect, it } from 'vitest';
import { analyticsSchema } from '../../src/core/config/schema.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { emptyTopicSeries, type AlignedSeries } from './series.ts';
import {
  StreamingDetectors,
  bucketValues,
  seriesKey,
  streamingSeries,
  type StreamingFlag,
} from './streaming-state.ts';

const B = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** Two topics and one coin over n buckets; a volume spike at `spikeAt` in topic "a". */
function aligned(n: number, spikeAt: number, seed = 7): AlignedSeries {
  const next = mulberry32(seed);
  const topics = new Map([
    ['a', emptyTopicSeries(n)],
    ['b', emptyTopicSeries(n)],
  ]);
  const price = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    for (const [name, t] of topics) {
      // Topic b has no rollup in every 7th bucket (no posts): it counts 0 there.
      if (name === 'b' && i % 7 === 0) continue;
      const c = Math.round(40 + 10 * next()) * (name === 'a' && i === spikeAt ? 5 : 1);
      t.count[i] = c;
      t.neg[i] = Math.round(c * 0.2);
      t.pos[i] = Math.round(c * 0.3);
      t.scoreSum[i] = c * (0.1 + 0.05 * (next() - 0.5));
    }
    p *= Math.exp(0.001 * (next() - 0.5));
    price[i] = p;
  }
  return { startMs: T0, bucketMs: B, length: n, topics, prices: new Map([['BTC', price]]) };
}

/** The same series, buckets [from, to) only (as a run that reads just those would see them). */
function slice(s: AlignedSeries, from: number, to: number): AlignedSeries {
  const topics = new Map(
    [...s.topics].map(([k, t]) => [
      k,
      {
        count: t.count.slice(from, to),
        pos: t.pos.slice(from, to),
        neg: t.neg.slice(from, to),
        scoreSum: t.scoreSum.slice(from, to),
      },
    ]),
  );
  const prices = new Map([...s.prices].map(([k, p]) => [k, p.slice(from, to)]));
  return { startMs: s.startMs + from * B, bucketMs: B, length: to - from, topics, prices };
}

const ids = streamingSeries(['a', 'b'], ['BTC']);
const brief = (f: StreamingFlag): string => `${seriesKey(f)}@${f.timeMs}:${f.verdict.kind}:${f.onset}`;

describe('streaming state', () => {
  it('watches volume, negative posts and mean sentiment per topic and the return per coin', () => {
    expect(ids.map(seriesKey)).toEqual([
      'volume/a',
      'negative_posts/a',
      'sentiment/a',
      'volume/b',
      'negative_posts/b',
      'sentiment/b',
      'returns/BTC',
    ]);
  });

  it('counts a topic without a rollup as 0 posts when another topic has one, missing when none has', () => {
    const s = aligned(10, -1);
    s.topics.get('a')!.count[3] = NaN; // b has a rollup in bucket 3, a none; b none in bucket 7
    const v = bucketValues(s, ids);
    expect(v.get('volume/b')![7]).toBe(0);
    expect(v.get('sentiment/b')![7]).toBeNaN();
    expect(v.get('volume/a')![3]).toBe(0);
    const allMissing = aligned(10, -1);
    for (const t of allMissing.topics.values()) t.count[5] = NaN;
    expect(bucketValues(allMissing, ids).get('volume/a')![5]).toBeNaN();
    expect(v.get('returns/BTC')![0]).toBeNaN();
    expect(v.get('returns/BTC')![1]).toBeCloseTo(
      Math.log(s.prices.get('BTC')![1]! / s.prices.get('BTC')![0]!),
    );
  });

  it('flags the same buckets whether fed in one read or in chunks across JSON save and restore', () => {
    const n = 400;
    const s = aligned(n, 300);
    const whole = StreamingDetectors.create(ids, B, T0 + B);
    const all = whole.feed(bucketValues(s, ids), T0, 1, n);
    // What the detector flags is its own tests' business; here only that there is something to compare.
    expect(all.length).toBeGreaterThan(0);

    let d = StreamingDetectors.create(ids, B, T0 + B);
    const chunked: StreamingFlag[] = [];
    for (const [from, to] of [
      [1, 57],
      [57, 58],
      [58, 299],
      [299, 301],
      [301, n],
    ] as const) {
      // A chunk is read from one bucket before it (the first return needs the price before).
      const part = slice(s, from - 1, to);
      chunked.push(...d.feed(bucketValues(part, ids), part.startMs, 1, part.length));
      const saved = JSON.parse(JSON.stringify(d.snapshot())) as unknown;
      d = StreamingDetectors.restore(saved, ids, B)!;
      expect(d.nextBucketMs).toBe(T0 + to * B);
    }
    expect(chunked.map(brief)).toEqual(all.map(brief));
    expect(chunked.map((f) => f.verdict.score)).toEqual(all.map((f) => f.verdict.score));
  });

  it('refuses to feed out of order and ignores a state of another bucket size', () => {
    const d = StreamingDetectors.create(ids, B, T0 + 5 * B);
    expect(() => d.feed(bucketValues(aligned(10, -1), ids), T0, 1, 10)).toThrow(/next bucket/);
    expect(StreamingDetectors.restore(d.snapshot(), ids, 30_000)).toBeUndefined();
    expect(StreamingDetectors.restore({ version: 99 }, ids, B)).toBeUndefined();
  });

  it('ignores detectors saved with another configuration (a release that changed it warms up)', () => {
    const d = StreamingDetectors.create(ids, B, T0);
    const saved = JSON.parse(JSON.stringify(d.snapshot())) as {
      series: Record<string, { detector: { options: Record<string, unknown> } }>;
    };
    expect(StreamingDetectors.restore(saved, ids, B)).toBeDefined();
    const first = Object.values(saved.series)[0]!;
    first.detector.options = { ...first.detector.options, suppressPoints: 20 };
    expect(StreamingDetectors.restore(saved, ids, B)).toBeUndefined();
  });

  it('starts a series the saved state does not hold and drops one no longer watched', () => {
    const d = StreamingDetectors.create(streamingSeries(['a'], []), B, T0);
    const more = StreamingDetectors.restore(d.snapshot(), ids, B)!;
    expect(more.size()).toBe(ids.length);
    expect(Object.keys(more.snapshot().series)).toEqual(ids.map(seriesKey));
  });

  it('pins the documented defaults of analytics.streaming', () => {
    expect(analyticsSchema.parse({}).streaming).toEqual({
      enabled: true,
      tickSeconds: 0.25,
      settleSeconds: 7,
      warmup: '1d',
    });
  });
});
