import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLexiconScorer } from './scorer.ts';
import type { SentimentLabel } from './options.ts';

const scorer = createLexiconScorer();

describe('createLexiconScorer: labels on clear crypto posts', () => {
  it.each<[string, SentimentLabel]>([
    // bullish
    ['$ETH looking very bullish here, next leg up soon', 'pos'],
    ['Bitcoin to the moon 🚀🚀🚀', 'pos'],
    ['wagmi, this rally has legs', 'pos'],
    ['New ATH for $SOL today!', 'pos'],
    ['Bought the dip at 58k, feeling great', 'pos'],
    ['#BuyTheDip #Bitcoin', 'pos'],
    ['HODL strong, lambo soon', 'pos'],
    ['Massive breakout on the weekly chart 📈', 'pos'],
    ['Spot ETF approved, huge inflows expected', 'pos'],
    ['DOGE up 25% this week', 'pos'],
    ['ADA +12% in an hour', 'pos'],
    // bearish
    ['This token is a scam, devs rugged us', 'neg'],
    ['Got rekt, liquidated on my 50x long 💀', 'neg'],
    ['$LUNA crashing hard 📉📉', 'neg'],
    ['Exchange got hacked, withdrawals halted', 'neg'],
    ['So much FUD, bagholders are panic selling', 'neg'],
    ['ngmi, this chart is terrible', 'neg'],
    ['Bearish divergence, expect a dump', 'neg'],
    ['Rug pull confirmed. Liquidity gone.', 'neg'],
    ['ETH down 18% since Monday', 'neg'],
    ['XRP -9% after the ruling', 'neg'],
    ['Protocol exploited for $40M', 'neg'],
    // neutral
    ['Bitcoin block 840000 was mined at 00:09 UTC', 'neu'],
    ['What is the gas fee on Arbitrum today?', 'neu'],
    ['$BTC 63,000 | $ETH 3,100 | $SOL 140', 'neu'],
    ['The Fed announces its rate decision on Wednesday', 'neu'],
    ['Thread: how rollups post data to Ethereum 🧵', 'neu'],
    ['DYOR, not financial advice', 'neu'],
    ['Where can I buy XMR without KYC?', 'neu'],
  ])('%j is %s', (text, label) => {
    expect(scorer.score(text).label).toBe(label);
  });
});

describe('createLexiconScorer: negation, modifiers, emoji, cashtags', () => {
  it.each<[string, SentimentLabel]>([
    ['not bullish', 'neg'],
    ['I am not bullish on this at all', 'neg'],
    ['never going to moon', 'neg'],
    ["this isn't a scam", 'pos'],
    ['not bearish anymore', 'pos'],
    ['no FUD can stop us', 'pos'],
    ["don't panic sell", 'pos'],
    ['Not financial advice: BTC at 60k', 'neu'],
  ])('%j is %s', (text, label) => {
    expect(scorer.score(text).label).toBe(label);
  });

  it('flips and damps a negated term (VADER-style scalar, not a full flip)', () => {
    const plain = scorer.score('bullish').score;
    const negated = scorer.score('not bullish').score;
    expect(negated).toBeLessThan(0);
    expect(Math.abs(negated)).toBeLessThan(Math.abs(plain));
  });

  it('negation does not cross a clause break or reach past three words', () => {
    expect(scorer.score('not now, bullish').label).toBe('pos');
    expect(scorer.score('never thought that this would go bullish').label).toBe('pos');
  });

  it('intensifiers raise, downtoners lower, and capitals emphasise', () => {
    const base = scorer.score('bearish').score;
    expect(scorer.score('extremely bearish').score).toBeLessThan(base);
    expect(scorer.score('slightly bearish').score).toBeGreaterThan(base);
    expect(scorer.score('this is BEARISH').score).toBeLessThan(scorer.score('this is bearish').score);
    expect(scorer.score('bullish!!!').score).toBeGreaterThan(scorer.score('bullish').score);
  });

  it('emoji alone carry sentiment, and are not flipped by a negator', () => {
    expect(scorer.score('🚀🚀').label).toBe('pos');
    expect(scorer.score('📉💀').label).toBe('neg');
    expect(scorer.score('🔥🔥🔥').label).toBe('pos');
    expect(scorer.score('no 🚀').score).toBeGreaterThan(0);
  });

  it('cashtags are tickers, not opinions; hashtags are words', () => {
    expect(scorer.score('$LOVE $SCAM $GOOD').label).toBe('neu');
    expect(scorer.score('#scam').label).toBe('neg');
    expect(scorer.score('#ToTheMoon').label).toBe('pos');
  });

  it('contrast after "but" dominates', () => {
    expect(scorer.score('The tech is great but the token keeps dumping').label).toBe('neg');
    expect(scorer.score('Ugly week but the breakout held').label).toBe('pos');
  });

  it('questions hedge: a question counts half', () => {
    expect(Math.abs(scorer.score('bitcoin crash?').score)).toBeLessThan(
      Math.abs(scorer.score('bitcoin crash.').score),
    );
  });

  it('extraLexicon adds and overrides terms, including phrases', () => {
    const custom = createLexiconScorer({ extraLexicon: { 'flippening soon': 3, moon: 0 } });
    expect(custom.score('flippening soon').label).toBe('pos');
    expect(custom.score('moon').label).toBe('neu');
    expect(scorer.score('moon').label).toBe('pos');
  });

  it('generalWeight 0 scores with the crypto layer alone', () => {
    const cryptoOnly = createLexiconScorer({ generalWeight: 0 });
    expect(cryptoOnly.score('what a wonderful day').label).toBe('neu');
    expect(scorer.score('what a wonderful day').label).toBe('pos');
    expect(cryptoOnly.score('wagmi').label).toBe('pos');
  });
});

describe('createLexiconScorer: robustness', () => {
  it('scores empty and whitespace text as neutral 0', () => {
    expect(scorer.score('')).toEqual({ score: 0, label: 'neu' });
    expect(scorer.score('   \n\t ')).toEqual({ score: 0, label: 'neu' });
  });

  it('accepts a non-string at runtime (bad input from a parser) without throwing', () => {
    expect(scorer.score(undefined as unknown as string)).toEqual({ score: 0, label: 'neu' });
    expect(scorer.score(42 as unknown as string)).toEqual({ score: 0, label: 'neu' });
  });

  it('truncates huge input to maxChars', () => {
    const huge = 'meh '.repeat(5_000) + 'bullish';
    expect(scorer.score(huge).label).toBe('neu'); // "bullish" lies past 10,000 chars
    expect(createLexiconScorer({ maxChars: 30_000 }).score(huge).label).toBe('pos');
    const t0 = performance.now();
    scorer.score('🚀 scam '.repeat(1_000_000));
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it.each([
    ['lone surrogates', 'bull\uD800ish \uDFFF moon'],
    ['zero-width joiners and variation selectors', '👨‍👩‍👧 ❤️‍🔥 🏳️‍🌈'],
    ['right-to-left and combining marks', 'بيتكوين ي̶ر̶ت̶ف̶ع̶ Z̷a̴l̶g̵o̶'],
    ['CJK and full-width', '比特币 暴涨 ＢＴＣ'],
    ['control characters', '\u0000\u0007\u001b[31mred\u001b[0m'],
    ['only punctuation', '!!!???...,,,'],
  ])('does not throw on %s', (_name, text) => {
    const r = scorer.score(text);
    expect(r.score).toBeGreaterThanOrEqual(-1);
    expect(r.score).toBeLessThanOrEqual(1);
  });

  it('property: any string scores in [-1, 1], with a label consistent with the score', () => {
    const vocabulary = fc.constantFrom(
      'not',
      'very',
      'bullish',
      'rekt',
      'moon',
      'but',
      '🚀',
      '📉',
      '!',
      '?',
      ',',
      'never',
      'scam',
      'BTC',
      '$BTC',
      '#hodl',
      ' ',
      "n't",
      'so',
      'up',
      '12%',
    );
    const postish = fc.array(vocabulary, { maxLength: 60 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          postish,
        ),
        (text) => {
          const { score, label } = scorer.score(text);
          expect(Number.isFinite(score)).toBe(true);
          expect(score).toBeGreaterThanOrEqual(-1);
          expect(score).toBeLessThanOrEqual(1);
          expect(label).toBe(score >= 0.2 ? 'pos' : score <= -0.2 ? 'neg' : 'neu');
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is deterministic: same text, same result, across scorers', () => {
    const other = createLexiconScorer();
    const texts = ['BTC to the moon 🚀', 'not bullish', 'rekt again', '', 'The Fed meets today'];
    for (const t of texts) {
      const a = scorer.score(t);
      expect(scorer.score(t)).toEqual(a);
      expect(other.score(t)).toEqual(a);
    }
  });

  it('honours custom thresholds', () => {
    const strict = createLexiconScorer({ posThreshold: 0.9, negThreshold: -0.9 });
    expect(strict.score('bullish').label).toBe('neu');
    expect(strict.score('bullish').score).toBe(scorer.score('bullish').score);
  });
});
