import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.ts';
import { npmi, runThemes } from './themes.ts';

/** Posts drawn from three planted themes, each post a few words of one theme plus shared noise. */
function plantedDocs(n: number, seed: number): string[][] {
  const themes = [
    ['etf', 'sec', 'approval', 'blackrock', 'filing'],
    ['hack', 'exploit', 'bridge', 'drained', 'stolen'],
    ['halving', 'miners', 'hashrate', 'block', 'reward'],
  ];
  const noise = ['bitcoin', 'chart', 'week', 'people', 'think'];
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = themes[i % 3]!;
    const words = new Set<string>(['bitcoin']);
    while (words.size < 4) words.add(t[Math.floor(rnd() * t.length)]!);
    if (rnd() < 0.5) words.add(noise[Math.floor(rnd() * noise.length)]!);
    return [...words];
  });
}

describe('runThemes', () => {
  it('recovers planted themes, each named by its own words, with their shares and a high held-back coherence', () => {
    const res = runThemes(plantedDocs(600, 11), {
      count: 3,
      topTerms: 4,
      vocabulary: 100,
      iterations: 120,
      seed: 1,
      minPosts: 40,
    });
    expect(res).toHaveLength(3);
    const groups = [
      ['etf', 'sec', 'approval', 'blackrock', 'filing'],
      ['hack', 'exploit', 'bridge', 'drained', 'stolen'],
      ['halving', 'miners', 'hashrate', 'block', 'reward'],
    ];
    for (const r of res) {
      const g = groups.find((x) => x.includes(r.terms[0]!))!;
      expect(r.terms.filter((t) => g.includes(t)).length).toBeGreaterThanOrEqual(3);
      expect(r.share).toBeGreaterThan(0.25);
      expect(r.share).toBeLessThan(0.42);
      expect(r.coherence).toBeGreaterThan(0.1);
    }
    expect(res[0]!.modelCoherence).toBeGreaterThan(0.1);
    expect(res.every((r) => r.terms.includes('bitcoin'))).toBe(false); // in every post: no theme's name
  });

  it('is deterministic and gives nothing for too few posts', () => {
    const o = { count: 3, topTerms: 4, vocabulary: 100, iterations: 30, seed: 5, minPosts: 40 };
    expect(runThemes(plantedDocs(300, 2), o)).toEqual(runThemes(plantedDocs(300, 2), o));
    expect(runThemes(plantedDocs(20, 2), o)).toEqual([]);
  });
});

describe('npmi', () => {
  it('is 1 for terms always together, -1 for terms never together', () => {
    const docs = [new Set(['a', 'b']), new Set(['a', 'b']), new Set(['c']), new Set(['d'])];
    expect(npmi(['a', 'b'], docs)).toBeCloseTo(1, 9);
    expect(npmi(['a', 'c'], docs)).toBe(-1);
  });
});
