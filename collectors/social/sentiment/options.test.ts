import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GENERAL_WEIGHT,
  DEFAULT_MAX_CHARS,
  DEFAULT_NEG_THRESHOLD,
  DEFAULT_POS_THRESHOLD,
  NEGATION_SCALAR,
  NEGATION_WINDOW_WORDS,
  NORMALIZATION_ALPHA,
} from './options.ts';
import { createLexiconScorer } from './scorer.ts';

describe('sentiment defaults', () => {
  it('pins the documented defaults (docs/sentiment.md)', () => {
    expect(DEFAULT_POS_THRESHOLD).toBe(0.2);
    expect(DEFAULT_NEG_THRESHOLD).toBe(-0.2);
    expect(DEFAULT_MAX_CHARS).toBe(10_000);
    expect(DEFAULT_GENERAL_WEIGHT).toBe(0.75);
    expect(NEGATION_SCALAR).toBe(-0.75);
    expect(NEGATION_WINDOW_WORDS).toBe(3);
    expect(NORMALIZATION_ALPHA).toBe(15);
  });

  it('labels exactly at the thresholds: pos and neg are inclusive', () => {
    // One term of valence v scores v / sqrt(v^2 + 15); pick v so the score lands on a threshold.
    const v = Math.sqrt((15 * 0.2 ** 2) / (1 - 0.2 ** 2));
    const scorer = createLexiconScorer({ extraLexicon: { upish: v, downish: -v } });
    expect(scorer.score('upish')).toEqual({ score: 0.2, label: 'pos' });
    expect(scorer.score('downish')).toEqual({ score: -0.2, label: 'neg' });
  });

  it.each([
    [{ posThreshold: 0 }, /posThreshold/],
    [{ posThreshold: 1.5 }, /posThreshold/],
    [{ negThreshold: 0.1 }, /negThreshold/],
    [{ maxChars: 0 }, /maxChars/],
    [{ maxChars: 1.5 }, /maxChars/],
    [{ generalWeight: 2 }, /generalWeight/],
    [{ extraLexicon: { moon: 9 } }, /extraLexicon\["moon"\]/],
  ])('rejects invalid options %j with a message naming the key', (opts, message) => {
    expect(() => createLexiconScorer(opts)).toThrow(message);
  });
});
