import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURE_CONFIG,
  DENSE_FEATURES,
  createFeatureExtractor,
  createFeatureVector,
  featureRows,
} from './features.ts';
import type { FeatureVector } from './features.ts';
import { createTokenBuffer } from './tokenize.ts';

const cfg = DEFAULT_FEATURE_CONFIG;
const denseBase = 1 << cfg.hashBits;

function features(text: string, c = cfg): Map<number, number> {
  const extractor = createFeatureExtractor(c);
  const vec: FeatureVector = createFeatureVector(4);
  extractor.fromText(text, createTokenBuffer(), vec);
  const out = new Map<number, number>();
  for (let k = 0; k < vec.n; k++)
    out.set(vec.idx[k] as number, (out.get(vec.idx[k] as number) ?? 0) + (vec.val[k] as number));
  return out;
}

const dense = (m: Map<number, number>, name: (typeof DENSE_FEATURES)[number]): number =>
  m.get(denseBase + DENSE_FEATURES.indexOf(name)) ?? 0;
const hashed = (m: Map<number, number>): string =>
  JSON.stringify([...m].filter(([i]) => i < denseBase).sort((a, b) => a[0] - b[0]));

describe('learned-model features', () => {
  it('has a fixed number of rows: 2^hashBits hashed plus the dense features', () => {
    expect(featureRows(cfg)).toBe(65_536 + DENSE_FEATURES.length);
    for (const i of features('BTC to the moon 🚀 but not today, rekt!!').keys()) {
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(featureRows(cfg));
    }
  });

  it('is deterministic and grows its buffer for long texts', () => {
    const long = 'bullish on btc and eth but bearish on memecoins '.repeat(200);
    expect(hashed(features(long))).toBe(hashed(features(long)));
    expect(features(long).size).toBeGreaterThan(50);
  });

  it('a negated word is a different feature from the plain word, within the negation window only', () => {
    expect(hashed(features('not bullish'))).not.toBe(hashed(features('so bullish')));
    // Past a clause break the negation ends: "bullish" hashes as in the plain text.
    const plain = features('bullish');
    const afterComma = features('not sure, bullish');
    for (const [i] of plain) if (i < denseBase) expect(afterComma.has(i)).toBe(true);
  });

  it('tickers, mentions and urls are placeholders: which ticker does not matter', () => {
    expect(hashed(features('$BTC breaking out'))).toBe(hashed(features('$SOL breaking out')));
    expect(hashed(features('@alice gm https://a.example/x'))).toBe(
      hashed(features('@bob gm https://b.example/y')),
    );
    expect(dense(features('$BTC breaking out'), 'cashtag')).toBe(1);
    expect(dense(features('see https://a.example'), 'url')).toBe(1);
  });

  it('numbers keep their shape only: any rise in percent is the same feature', () => {
    expect(hashed(features('ETH +12%'))).toBe(hashed(features('ETH +3.5%')));
    expect(hashed(features('ETH +12%'))).not.toBe(hashed(features('ETH -12%')));
    expect(dense(features('ETH -12%'), 'price_down_pct')).toBe(1);
    expect(dense(features('ETH +12%'), 'price_up_pct')).toBe(1);
  });

  it('carries the lexicon scores (with and without the general lexicon) as dense features', () => {
    const f = features('what a wonderful day, wagmi');
    expect(dense(f, 'bias')).toBe(1);
    expect(dense(f, 'lexicon')).toBeGreaterThan(dense(f, 'lexicon_crypto_only'));
    expect(dense(f, 'lexicon_crypto_only')).toBeGreaterThan(0.2);
    expect(dense(features('rekt, scam'), 'lexicon_neg')).toBe(1);
    expect(dense(features('will it moon?'), 'question')).toBe(1);
    expect(dense(features('never selling'), 'negator')).toBe(1);
  });

  it('character n-grams let unseen spellings share features with known ones', () => {
    const shared = (a: string, b: string): number => {
      const fa = features(a);
      return [...features(b).keys()].filter((i) => i < denseBase && fa.has(i)).length;
    };
    expect(shared('rekt', 'rekkt')).toBeGreaterThan(0);
    const noChars = { ...cfg, charNgramMin: 0, charNgramMax: 0 };
    const fa = features('rekt', noChars);
    expect([...features('rekkt', noChars).keys()].filter((i) => i < denseBase && fa.has(i))).toEqual([]);
  });
});
