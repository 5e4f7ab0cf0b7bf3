import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.ts';
import { CountMinSketch, hashTerm } from './count-min.ts';

describe('CountMinSketch', () => {
  it('never under-counts and over-counts by at most e/w * N for at least 95 % of terms', () => {
    const s = new CountMinSketch(1024, 4);
    const truth = new Map<string, number>();
    const rnd = mulberry32(3);
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      const t = `w${Math.floor(Math.exp(rnd() * Math.log(20_000)))}`;
      truth.set(t, (truth.get(t) ?? 0) + 1);
      s.addHash(hashTerm(t));
    }
    const bound = (Math.E / 1024) * N;
    let within = 0;
    for (const [t, c] of truth) {
      const e = s.estimate(t);
      expect(e).toBeGreaterThanOrEqual(c);
      if (e - c <= bound) within++;
    }
    expect(within / truth.size).toBeGreaterThanOrEqual(0.95);
    expect(s.estimate('never-seen')).toBeLessThanOrEqual(bound);
  });

  it('merges exactly and round-trips through base64', () => {
    const a = new CountMinSketch(64, 3);
    const b = new CountMinSketch(64, 3);
    const both = new CountMinSketch(64, 3);
    for (const t of ['a', 'b', 'a', 'c']) {
      a.addHash(hashTerm(t));
      both.addHash(hashTerm(t));
    }
    for (const t of ['a', 'd']) {
      b.addHash(hashTerm(t));
      both.addHash(hashTerm(t));
    }
    a.merge(b);
    expect([...a.cells]).toEqual([...both.cells]);
    expect(a.total).toBe(6);
    const c = CountMinSketch.fromBase64(64, 3, a.total, a.toBase64());
    expect([...c.cells]).toEqual([...a.cells]);
    expect(c.estimate('a')).toBeGreaterThanOrEqual(3);
  });

  it('rejects a width that is not a power of two', () => {
    expect(() => new CountMinSketch(1000, 4)).toThrow(/power of two/);
  });
});
