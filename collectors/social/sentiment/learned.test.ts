import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MODEL_URL,
  createLearnedScorer,
  decodeWeights,
  defaultLearnedModel,
  encodeWeights,
  loadModel,
} from './learned.ts';
import type { SentimentModelFile } from './learned.ts';
import type { SentimentLabel } from './options.ts';

const learned = createLearnedScorer({});
const blend = createLearnedScorer({ blend: true });
const model = defaultLearnedModel();

describe('learned sentiment model', () => {
  it('loads the committed model once per process, quickly', () => {
    expect(defaultLearnedModel()).toBe(model);
    // The target is 200 ms (docs/performance.md has the figure); the bound leaves room for a busy CI core.
    expect(model.loadMs).toBeLessThan(1_000);
    expect(model.weights.length).toBe(model.file.weights.rows * 3);
  });

  it.each<[string, SentimentLabel]>([
    ['$BTC breaking out to new highs, bulls in control 🚀', 'pos'],
    ['Bought more ETH on the dip, very bullish', 'pos'],
    ['Got rekt on my long, this market is brutal 📉', 'neg'],
    ['Exchange hacked, withdrawals halted. Get out now', 'neg'],
    ['$XYZ shares plunge after the company cuts its outlook', 'neg'],
    ['Bitcoin block 840000 was mined at 00:09 UTC', 'neu'],
    ['What time is the FOMC announcement?', 'neu'],
  ])('%j is %s (learned and blend)', (text, label) => {
    expect(learned.score(text).label).toBe(label);
    expect(blend.score(text).label).toBe(label);
  });

  it('score is P(pos) - P(neg): negation and direction move it the expected way', () => {
    expect(learned.score('not bullish at all').score).toBeLessThan(learned.score('bullish').score);
    expect(learned.score('bearish').score).toBeLessThan(0);
    expect(learned.score('').label).toBe('neu');
  });

  it('labels follow the stored band, and custom thresholds override it', () => {
    const band = model.file.labels.learnedThreshold;
    for (const t of ['moon', 'dump', 'gm', 'ETH +4%']) {
      const { score, label } = learned.score(t);
      expect(label).toBe(score >= band ? 'pos' : score <= -band ? 'neg' : 'neu');
    }
    const strict = createLearnedScorer({ posThreshold: 0.999, negThreshold: -0.999 });
    expect(strict.score('bullish').label).toBe('neu');
  });

  it('property: any string scores in [-1, 1] with 4 decimals and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
        ),
        (text) => {
          for (const s of [learned, blend]) {
            const { score } = s.score(text);
            expect(score).toBeGreaterThanOrEqual(-1);
            expect(score).toBeLessThanOrEqual(1);
            expect(Math.round(score * 10_000) / 10_000).toBe(score);
          }
        },
      ),
      { numRuns: 1_000 },
    );
    expect(learned.score(undefined as unknown as string).label).toBe('neu');
  });

  it('truncates huge input to maxChars, fast', () => {
    const t0 = performance.now();
    learned.score('🚀 scam '.repeat(1_000_000));
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('weights round-trip through the int16 encoding within half a step', () => {
    const w = Float64Array.from([0, 1.5, -3.25, 1e-4, -2e-5, 0.7]);
    const enc = encodeWeights(w, 2);
    const dec = decodeWeights(enc);
    for (let i = 0; i < w.length; i++)
      expect(Math.abs(dec[i]! - w[i]!)).toBeLessThanOrEqual(enc.scale / 2 + 1e-15);
  });

  it('refuses a model file of another format or feature version, saying what to do', () => {
    const file = JSON.parse(readFileSync(fileURLToPath(MODEL_URL), 'utf8')) as SentimentModelFile;
    expect(() => loadModel({ ...file, featuresVersion: 99 })).toThrow(/run npm run train:sentiment/);
    expect(() => loadModel({ ...file, format: 'x' as never })).toThrow(/model format/);
    expect(() => loadModel({ ...file, weights: { ...file.weights, data: '' } })).toThrow(
      /expected \d+ bytes/,
    );
  });
});
