import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.ts';
import { ThemeSample } from './sample.ts';
import { createPostTerms, postTermsOf } from './terms.ts';

const post = (i: number) => postTermsOf([`w${i}`, 'common'], createPostTerms());

describe('ThemeSample', () => {
  it('holds every post, in order, while there are no more than its size', () => {
    const s = new ThemeSample(5, mulberry32(1));
    for (let i = 0; i < 4; i++) s.offer(post(i));
    expect(s.posts()).toEqual([0, 1, 2, 3].map((i) => [`w${i}`, 'common']));
    s.clear();
    expect(s.posts()).toEqual([]);
  });

  it('keeps each post of a longer period with the same probability (size / posts)', () => {
    const size = 50;
    const n = 500;
    const hits = new Array<number>(n).fill(0);
    const rnd = mulberry32(9);
    const runs = 400;
    for (let r = 0; r < runs; r++) {
      const s = new ThemeSample(size, rnd);
      for (let i = 0; i < n; i++) s.offer(post(i));
      const docs = s.posts();
      expect(docs).toHaveLength(size);
      for (const d of docs) hits[Number(d[0]!.slice(1))]!++;
    }
    // Expected 40 hits each; the first and last tenth of the period are sampled alike.
    const share = (from: number, to: number) =>
      hits.slice(from, to).reduce((a, b) => a + b, 0) / ((to - from) * runs);
    expect(share(0, 50)).toBeCloseTo(size / n, 2);
    expect(share(450, 500)).toBeCloseTo(size / n, 2);
  });

  it('round-trips through a snapshot', () => {
    const s = new ThemeSample(3, mulberry32(2));
    for (let i = 0; i < 7; i++) s.offer(post(i));
    const t = new ThemeSample(3, mulberry32(2));
    const snap = s.snapshot();
    t.restore(snap.sample, snap.sampleSeen);
    expect(t.snapshot()).toEqual(snap);
  });
});
