import { describe, expect, it } from 'vitest';
import { stopWordSet } from './stopwords.ts';
import { TermExtractor } from './terms.ts';

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
