import { describe, expect, it } from 'vitest';
import { stopWordSet } from './stopwords.ts';
import { TermExtractor, createPostTerms, termText } from './terms.ts';
import { hashTerm } from './count-min.ts';
import { createSentimentScorer, lastTokensOf } from '../sentiment/index.ts';

const terms = (text: string, extra: string[] = []) => new TermExtractor(stopWordSet(extra)).extract(text, []);

describe('TermExtractor', () => {
  it('keeps words, bigrams, hashtags, cashtags and URL domains; drops mentions, stop words and numbers', () => {
    expect(
      terms('Spot ETF approval for $BTC! @sec_gov says #ETF https://www.coindesk.com/x?y=1 70k'),
    ).toEqual([
      'spot',
      'etf',
      'spot etf',
      'approval',
      'etf approval',
      '$btc',
      'says',
      '#etf',
      'coindesk.com',
    ]);
  });

  it('counts a term once per post and joins no bigram across punctuation or a stop word', () => {
    expect(terms('Moon moon, moon. Buy the dip')).toEqual(['moon', 'moon moon', 'dip']);
  });

  it('takes extra stop words from the configuration', () => {
    expect(terms('wagmi frens wagmi', ['wagmi'])).toEqual(['frens']);
  });
});

describe('TermExtractor.extractInto', () => {
  it('gives each term the hash of its text, bigrams hashed without being built', () => {
    const t = new TermExtractor(stopWordSet()).extractInto(
      'Spot ETF approval #ETF $BTC spot etf',
      createPostTerms(),
    );
    expect(t.n).toBe(7); // spot, etf, spot etf, approval, etf approval, #etf, $btc
    for (let i = 0; i < t.n; i++) expect(t.hashes[i]).toBe(hashTerm(termText(t, i)));
    expect([t.first[4], t.second[4]]).toEqual(['etf', 'approval']); // kept as its two words
    expect(t.text[4]).toBe('etf approval'); // built by termText above
  });
});

describe('TermExtractor.extractFromTokens', () => {
  it("gives extractInto's terms from the sentiment scorer's tokens of the same text", () => {
    const texts = [
      'Spot ETF approval for $BTC! @sec_gov says #ETF https://www.coindesk.com/x?y=1 70k',
      "Moon moon, moon. Buy the dip; isn't it WAGMI 🚀 café e\u0301x",
      '',
    ];
    for (const model of ['lexicon', 'learned'] as const) {
      const scorer = createSentimentScorer({ model });
      const x = new TermExtractor(stopWordSet());
      for (const text of texts) {
        scorer.score(text);
        const tokens = lastTokensOf(scorer, text)!;
        expect(tokens).toBeDefined();
        expect(lastTokensOf(scorer, `${text}.`)).toBeUndefined();
        const a = x.extractFromTokens(tokens, tokens.length, createPostTerms());
        const b = x.extractInto(text, createPostTerms());
        expect(a.n).toBe(b.n);
        for (let i = 0; i < a.n; i++) {
          expect(termText(a, i)).toBe(termText(b, i));
          expect(a.hashes[i]).toBe(b.hashes[i]);
        }
      }
    }
    // A text cut to maxChars was not tokenized whole: no tokens are offered.
    const short = createSentimentScorer({ model: 'lexicon', maxChars: 5 });
    short.score('bitcoin moon');
    expect(lastTokensOf(short, 'bitcoin moon')).toBeUndefined();
  });
});
