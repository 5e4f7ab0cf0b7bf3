import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.ts';
import { hashTerm } from './count-min.ts';
import { FrequentCounter, kthLargest } from './frequent.ts';

describe('FrequentCounter', () => {
  it('is exact while fewer than 3k distinct terms are seen', () => {
    const f = new FrequentCounter(10);
    for (let i = 0; i < 15; i++) for (let j = 0; j <= i; j++) f.add(`t${i}`);
    expect(f.held()).toBe(15);
    expect(f.get('t14')).toBe(15);
    expect(f.maxError()).toBe(0);
    expect(f.size()).toBe(120);
  });

  it('never over-counts, under-counts by at most N/(k+1), and keeps every heavy term (Zipf stream)', () => {
    const k = 50;
    const f = new FrequentCounter(k);
    const truth = new Map<string, number>();
    const rnd = mulberry32(7);
    const N = 50_000;
    for (let i = 0; i < N; i++) {
      // Zipf-like: rank r with probability ~ 1/r over 5000 ranks
      const r = Math.floor(Math.exp(rnd() * Math.log(5000)));
      const t = `w${r}`;
      truth.set(t, (truth.get(t) ?? 0) + 1);
      f.add(t);
    }
    const bound = N / (k + 1);
    expect(f.maxError()).toBeLessThanOrEqual(bound);
    expect(f.held()).toBeLessThanOrEqual(3 * k);
    for (const [t, c] of truth) {
      expect(f.get(t)).toBeLessThanOrEqual(c);
      expect(c - f.get(t)).toBeLessThanOrEqual(f.maxError());
      if (c > bound) expect(f.get(t)).toBeGreaterThan(0);
    }
  });

  it('merges two summaries with the bounds added', () => {
    const a = new FrequentCounter(5);
    const b = new FrequentCounter(5);
    for (let i = 0; i < 30; i++) a.add(`a${i % 12}`);
    for (let i = 0; i < 30; i++) b.add(`a${i % 3}`);
    const bound = a.maxError() + b.maxError();
    a.merge(b);
    expect(a.size()).toBe(60);
    expect(a.get('a0')).toBeGreaterThanOrEqual(13 - a.maxError());
    expect(a.maxError()).toBeGreaterThanOrEqual(bound);
    expect(a.maxError()).toBeLessThanOrEqual(60 / 6 + 1e-9);
  });

  it('keeps two terms with the same 32-bit hash apart', () => {
    // hashTerm('w4pvu') === hashTerm('wb3ea'): the counter is keyed by hash, chained on collisions.
    const f = new FrequentCounter(2);
    for (const t of ['w4pvu', 'wb3ea', 'w4pvu', 'x', 'w4pvu']) f.add(t);
    expect([f.get('w4pvu'), f.get('wb3ea'), f.get('x'), f.held()]).toEqual([3, 1, 1, 3]);
    f.addSeenHash(hashTerm('a b'), 'a', 'b', 2);
    f.addSeenHash(hashTerm('a b'), 'a', 'b', 3);
    expect(f.get('a b')).toBe(3);
    for (const t of ['y', 'z1', 'z2']) f.add(t); // a 7th term: batch decrement by d = 1
    expect([f.held(), f.maxError(), f.get('w4pvu'), f.get('wb3ea'), f.get('a b')]).toEqual([2, 1, 2, 0, 2]);
    const g = new FrequentCounter(2);
    g.merge(f);
    expect([...g.entries()].sort()).toEqual([...f.entries()].sort());
    expect([...FrequentCounter.restore(2, f.snapshot()).entries()]).toEqual([...f.entries()]);
  });

  it('round-trips through a snapshot', () => {
    const a = new FrequentCounter(4);
    for (const t of ['x', 'y', 'x', 'z', 'x']) a.add(t);
    const b = FrequentCounter.restore(4, a.snapshot());
    expect([...b.entries()]).toEqual([...a.entries()]);
    expect(b.size()).toBe(5);
  });
});

describe('kthLargest', () => {
  it('finds the k-th largest value as a sort would', () => {
    const rnd = mulberry32(5);
    for (let n = 1; n < 60; n += 7) {
      const a = Float64Array.from({ length: n }, () => Math.floor(rnd() * 10));
      const sorted = [...a].sort((x, y) => y - x);
      for (let k = 0; k < n; k++) expect(kthLargest(Float64Array.from(a), k)).toBe(sorted[k]);
    }
  });
});
