import { describe, expect, it } from 'vitest';
import { RollupAggregator, rollupLine } from './rollup.ts';

const T = Date.parse('2026-06-01T12:00:00Z');
const pos = { score: 0.6, label: 'pos' as const };
const neg = { score: -0.4, label: 'neg' as const };

function agg() {
  return new RollupAggregator({ intervalMs: 60_000, graceMs: 5_000, retainMs: 600_000 });
}

describe('RollupAggregator', () => {
  it('counts distinct posts per source, topic and interval, split by label', () => {
    const a = agg();
    a.add('x', ['bitcoin', 'crypto'], 'p1', T + 1000, pos, T);
    a.add('x', ['bitcoin'], 'p2', T + 2000, neg, T);
    expect(a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T)).toBe('duplicate');
    const out = a.collect(T + 65_000);
    const btc = out.find((v) => v.topic === 'bitcoin')!;
    expect(btc).toMatchObject({ count: 2, pos: 1, neg: 1, neu: 0, startMs: T });
    expect(btc.scoreSum).toBeCloseTo(0.2, 12);
    expect(btc.scoreMean).toBeCloseTo(0.1, 12);
    expect(out.find((v) => v.topic === 'crypto')!.count).toBe(1);
  });

  it('waits for the grace period, then emits once; late posts re-emit the full count a grace later', () => {
    const a = agg();
    a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    expect(a.collect(T + 62_000)).toEqual([]);
    expect(a.collect(T + 66_000)).toHaveLength(1);
    expect(a.collect(T + 70_000)).toEqual([]);
    a.add('x', ['bitcoin'], 'p9', T + 59_000, pos, T + 75_000);
    a.add('x', ['bitcoin'], 'p8', T + 58_000, pos, T + 77_000);
    // One rewrite for both late posts, once none came for a grace period.
    expect(a.collect(T + 78_000)).toEqual([]);
    expect(a.collect(T + 82_000)[0]!.count).toBe(3);
  });

  it('replaying old posts writes each interval once, complete, when event time has passed it', () => {
    const a = agg();
    const old = T - 3600_000;
    const now = T;
    const emitted: number[] = [];
    for (let i = 0; i < 300; i++) {
      a.add('replay', ['bitcoin'], `o${i}`, old + i * 1000, pos, now);
      for (const v of a.collect(now)) emitted.push(v.count);
    }
    for (const v of a.collect(now, true)) emitted.push(v.count);
    // Five minutes of one post a second: five points of 60, none partial.
    expect(emitted).toEqual([60, 60, 60, 60, 60]);
  });

  it('a snapshot restored after a restart continues the interval without double counting', () => {
    const a = agg();
    a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    a.add('x', ['bitcoin'], 'p2', T + 2000, pos, T);
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    const b = agg();
    expect(b.restore(snap)).toBe(true);
    b.add('x', ['bitcoin'], 'p2', T + 2000, pos, T); // replayed
    b.add('x', ['bitcoin'], 'p3', T + 3000, pos, T);
    expect(b.collect(T + 70_000)[0]!.count).toBe(3);
  });

  it('replaying old data at high speed keeps filling its intervals (eviction follows event time)', () => {
    const a = agg();
    const old = T - 30 * 86_400_000;
    for (let i = 0; i < 600; i++) a.add('replay', ['bitcoin'], `r${i}`, old + i * 1000, pos, T);
    const out = a.collect(T, true);
    expect(out.reduce((s, v) => s + v.count, 0)).toBe(600);
    expect(out).toHaveLength(10);
  });

  it('writes integer counts and the interval start as the timestamp', () => {
    const line = rollupLine({
      source: 'x',
      topic: 'bitcoin',
      startMs: T,
      count: 3,
      pos: 2,
      neg: 1,
      neu: 0,
      scoreSum: 0.5,
      scoreMean: 0.5 / 3,
    });
    expect(line).toBe(
      `social,instance=default,shard=0/1,source=x,topic=bitcoin count=3i,pos=2i,neg=1i,neu=0i,score_sum=0.5,score_mean=0.166666667,net=0.333333333 ${T}000000`,
    );
  });

  it('tags each rollup with the shard and the instance that wrote it', () => {
    const v = {
      source: 'x',
      topic: 'bitcoin',
      startMs: T,
      count: 1,
      pos: 1,
      neg: 0,
      neu: 0,
      scoreSum: 1,
      scoreMean: 1,
    };
    expect(rollupLine(v, { shard: '2/4', instance: 'collector-b' })).toMatch(
      /^social,instance=collector-b,shard=2\/4,source=x,topic=bitcoin count=1i/,
    );
  });
});
