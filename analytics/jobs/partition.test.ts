import { describe, expect, it } from 'vitest';
import { HashRing, partitionShare, unitKey } from './partition.ts';

/** n coins, each with `perCoin` topics, plus `plain` topics without a coin. */
function scaleConfig(
  n: number,
  perCoin: number,
  plain: number,
): { coins: string[]; topics: Array<{ name: string; coin?: string }> } {
  const coins = Array.from({ length: n }, (_, i) => `C${String(i).padStart(3, '0')}`);
  const topics = [
    ...coins.flatMap((coin, i) =>
      Array.from({ length: perCoin }, (_, j) => ({ name: `coin${i}-t${j}`, coin })),
    ),
    ...Array.from({ length: plain }, (_, i) => ({ name: `plain${i}` })),
  ];
  return { coins, topics };
}

describe('analytics partition', () => {
  it('gives every topic and coin to exactly one of N instances (no overlap, no gap)', () => {
    const cfg = scaleConfig(100, 3, 20);
    for (const n of [1, 2, 3, 5, 8]) {
      const shares = Array.from({ length: n }, (_, k) => partitionShare(cfg, { index: k, count: n }));
      const topics = shares.flatMap((s) => s.topics);
      const coins = shares.flatMap((s) => s.coins);
      expect(new Set(topics).size).toBe(topics.length);
      expect(new Set(coins).size).toBe(coins.length);
      expect(new Set(topics)).toEqual(new Set(cfg.topics.map((t) => t.name)));
      expect(new Set(coins)).toEqual(new Set(cfg.coins));
    }
  });

  it('keeps a coin and all its topics on one instance, so each pair reads only its own series', () => {
    const cfg = scaleConfig(50, 4, 0);
    for (let k = 0; k < 3; k++) {
      const s = partitionShare(cfg, { index: k, count: 3 });
      for (const t of cfg.topics.filter((t) => s.topics.includes(t.name))) expect(s.coins).toContain(t.coin);
    }
  });

  it('balances 100 coins over 3 instances within ±35% of an equal share', () => {
    const cfg = scaleConfig(100, 3, 0);
    for (let k = 0; k < 3; k++) {
      const share = partitionShare(cfg, { index: k, count: 3 }).coins.length;
      expect(Math.abs(share / (100 / 3) - 1)).toBeLessThan(0.35);
    }
  });

  it('moves only the new member’s keys when one instance is added (consistent hashing)', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `coin:K${i}`);
    const three = new HashRing(3);
    const four = new HashRing(4);
    let moved = 0;
    for (const key of keys) {
      const before = three.ownerOf(key);
      const after = four.ownerOf(key);
      if (before !== after) {
        moved++;
        expect(after).toBe(3); // a key only ever moves to the new member
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.15);
    expect(moved / keys.length).toBeLessThan(0.35);
  });

  it('is deterministic and keys a topic by its coin', () => {
    expect(unitKey({ name: 'bitcoin', coin: 'BTC' })).toBe('coin:BTC');
    expect(unitKey({ name: 'football' })).toBe('topic:football');
    const cfg = scaleConfig(10, 1, 3);
    expect(partitionShare(cfg, { index: 1, count: 3 })).toEqual(partitionShare(cfg, { index: 1, count: 3 }));
    expect(partitionShare(cfg)).toEqual({ topics: cfg.topics.map((t) => t.name), coins: cfg.coins });
  });
});
