import { describe, expect, it } from 'vitest';
import { createSentimentScorer, scoreHeadline } from './create.ts';
import { createLearnedScorer } from './learned.ts';
import { DEFAULT_SENTIMENT_MODEL } from './options.ts';
import { createLexiconScorer } from './scorer.ts';

const texts = ['BTC to the moon 🚀', 'rekt again, total scam', 'The Fed meets on Wednesday', ''];

describe('createSentimentScorer', () => {
  it('builds the model asked for', () => {
    const lexicon = createLexiconScorer();
    const learned = createLearnedScorer({});
    const blend = createLearnedScorer({ blend: true });
    for (const t of texts) {
      expect(createSentimentScorer({ model: 'lexicon' }).score(t)).toEqual(lexicon.score(t));
      expect(createSentimentScorer({ model: 'learned' }).score(t)).toEqual(learned.score(t));
      expect(createSentimentScorer({ model: 'blend' }).score(t)).toEqual(blend.score(t));
    }
  });

  it(`defaults to the ${DEFAULT_SENTIMENT_MODEL} model`, () => {
    const d = createSentimentScorer();
    const explicit = createSentimentScorer({ model: DEFAULT_SENTIMENT_MODEL });
    for (const t of texts) expect(d.score(t)).toEqual(explicit.score(t));
  });

  it.each([
    [{ model: 'bert' }, /model must be one of lexicon, learned, blend, got bert/],
    [{ model: 'learned', generalWeight: 0.5 }, /generalWeight applies to model lexicon only, not learned/],
    [{ model: 'blend', extraLexicon: { moon: 1 } }, /extraLexicon applies to model lexicon only, not blend/],
    [{ model: 'learned', posThreshold: 2 }, /posThreshold/],
  ])('rejects %j naming the key', (opts, message) => {
    expect(() => createSentimentScorer(opts as never)).toThrow(message);
  });
});

describe('scoreHeadline', () => {
  it('scores exactly as a default scorer scores a post', () => {
    const scorer = createSentimentScorer();
    for (const t of ['Bitcoin Plunges 10%', 'Solana Rallies', 'Markets open']) {
      expect(scoreHeadline(t)).toEqual(scorer.score(t));
    }
  });
});
