import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardLabel, shardOf } from './shard.ts';

describe('collector shards', () => {
  it('parses k/N and names what is wrong otherwise', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(parseShard('5/4')).toEqual({ error: 'expected k/N with 0 <= k < N, got 5/4' });
    expect(parseShard('0/0')).toHaveProperty('error');
    expect(parseShard('two')).toHaveProperty('error');
    expect(shardLabel({ index: 2, count: 4 })).toBe('2/4');
  });

  it('gives every post id exactly one of N shards', () => {
    for (const n of [1, 2, 3, 4, 7]) {
      for (let i = 0; i < 2000; i++) {
        const id = `18800000000000${i}`;
        const owners = Array.from({ length: n }, (_, k) => k).filter((k) =>
          inShard(id, { index: k, count: n }),
        );
        expect(owners).toEqual([shardOf(id, n)]);
      }
    }
  });

  it('balances sequential numeric ids (X, replay) and Bluesky rkeys within 5% of N equal shares', () => {
    const x = Array.from({ length: 40_000 }, (_, i) => String(1880000000000000000n + BigInt(i)));
    const bsky = Array.from({ length: 40_000 }, (_, i) => `3l${(1e12 + i * 7919).toString(36)}`);
    for (const ids of [x, bsky]) {
      for (const n of [2, 3, 4]) {
        const counts = new Array<number>(n).fill(0);
        for (const id of ids) counts[shardOf(id, n)]!++;
        for (const c of counts) expect(Math.abs(c / (ids.length / n) - 1)).toBeLessThan(0.05);
      }
    }
  });
});
