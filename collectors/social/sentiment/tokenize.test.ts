import { describe, expect, it } from 'vitest';
import {
  T_CASHTAG,
  T_EMOJI,
  T_EMOTICON,
  T_HASHTAG,
  T_MENTION,
  T_NUMBER,
  T_URL,
  T_WORD,
  createTokenBuffer,
  tokenValues,
  tokenize,
} from './tokenize.ts';

describe('tokenize', () => {
  it.each([
    ['BTC to the MOON', ['btc', 'to', 'the', 'moon']],
    ["isn't a scam", ['is', 'not', 'a', 'scam']],
    ['don’t sell', ['do', 'not', 'sell']],
    ['all-time high', ['all', 'time', 'high']],
    ['up 12% and +3.5% or -8%', ['up', '12%', 'and', '+3.5%', 'or', '-8%']],
    ['70k, 4x', ['70k', ',', '4x']],
    ['wow!!! really??', ['wow', '!!!', 'really', '??']],
    ['rocket 🚀🚀 ⚠️', ['rocket', '🚀', '🚀', '⚠']],
    ['nice :) bad :( <3', ['nice', ':)', 'bad', ':(', '<3']],
    ['Bitcoin (BTC): at 12:30', ['bitcoin', '(', 'btc', ')', ':', 'at', '12', ':', '30']],
    ['биткоин растёт', ['биткоин', 'растёт']],
    // Where the plain-ASCII-word fast path hands over to the regex: URLs, non-ASCII letters and
    // marks, apostrophes, " - ", emoticons right after a word.
    ['Bull run - httpx www.site.com hype', ['bull', 'run', ' - ', 'httpx', 'www.site.com', 'hype']],
    ['café naïve e\u0301x', ['café', 'naïve', 'e\u0301x']],
    ["rock'n'roll wow_such", ["rock'n'roll", 'wow', 'such']],
    ['BTC:D ok x²', ['btc', ':d', 'ok', 'x²']],
  ])('%j -> %j', (text, expected) => {
    expect(tokenValues(text)).toEqual(expected);
  });

  it('classifies hashtags, cashtags, mentions, urls, prices and emoji', () => {
    const buf = createTokenBuffer();
    const n = tokenize('#Bitcoin $BTC $80 @whale https://x.com/a?b=1 moon 🚀 :D', buf);
    expect(buf.kinds.slice(0, n)).toEqual([
      T_HASHTAG,
      T_CASHTAG,
      T_NUMBER,
      T_MENTION,
      T_URL,
      T_WORD,
      T_EMOJI,
      T_EMOTICON,
    ]);
    expect(buf.values.slice(0, n)).toEqual([
      'bitcoin',
      'btc',
      '80',
      'whale',
      'https://x.com/a?b=1',
      'moon',
      '🚀',
      ':d',
    ]);
  });

  it('counts capitalised words for the shouting check', () => {
    const buf = createTokenBuffer();
    tokenize('THIS is HUGE', buf);
    expect([buf.words, buf.capsWords]).toEqual([3, 2]);
    expect(buf.caps.slice(0, 3)).toEqual([true, false, true]);
  });
});
