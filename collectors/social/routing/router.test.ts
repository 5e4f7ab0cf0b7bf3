import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_MAX_CHARS, UNKNOWN_TOPIC, createTopicRouter } from './router.ts';
import type { TopicConfig } from './router.ts';

const TOPICS: TopicConfig[] = [
  { name: 'bitcoin', keywords: ['bitcoin', 'btc', 'sats'], coin: 'BTC' },
  { name: 'ethereum', keywords: ['ethereum', '$ETH', '#ether'], coin: 'ETH' },
  { name: 'dip', keywords: ['buy the dip', 'btfd'] },
  { name: 'china', keywords: ['比特币', '中国'] },
  { name: 'russian', keywords: ['биткоин'] },
];
const router = createTopicRouter(TOPICS);

describe('createTopicRouter: route', () => {
  it.each<[string, string, string[]]>([
    ['plain word', 'bitcoin is up', ['bitcoin']],
    ['any case', 'BITCOIN, Bitcoin, bItCoIn', ['bitcoin']],
    ['hashtag', 'love #bitcoin', ['bitcoin']],
    ['cashtag', '$BTC breaking out', ['bitcoin']],
    ['hashtag of a short keyword', '#btc', ['bitcoin']],
    ['keyword given as cashtag matches the plain word', 'eth gas is low', ['ethereum']],
    ['keyword given as hashtag matches the cashtag', '$ETHER', ['ethereum']],
    ['not a prefix', 'btcfoo and bitcoiner', [UNKNOWN_TOPIC]],
    ['not a suffix', 'wbtc on ethereumish chains', [UNKNOWN_TOPIC]],
    ['not inside a word with digits or underscore', 'btc2 btc_news', [UNKNOWN_TOPIC]],
    ['punctuation is a boundary', '(btc) btc/usd btc-perp "bitcoin\'s"', ['bitcoin']],
    ['several topics, in configuration order', '$ETH and $BTC: buy the dip', ['bitcoin', 'ethereum', 'dip']],
    ['multi-word keyword', 'Time to BUY THE DIP', ['dip']],
    ['multi-word keyword across punctuation and line breaks', 'buy\nthe...dip', ['dip']],
    ['multi-word keyword needs all its words in order', 'buy the top, then dip', [UNKNOWN_TOPIC]],
    ['multi-word keyword as one hashtag needs its own keyword', '#buythedip', [UNKNOWN_TOPIC]],
    ['unspaced script matches as substring', '比特币价格上涨', ['china']],
    ['Cyrillic whole word', 'Биткоин растёт', ['russian']],
    ['Cyrillic not a prefix', 'биткоины', [UNKNOWN_TOPIC]],
    ['full-width and math bold fold to ASCII', 'ＢＴＣ 𝐄𝐭𝐡𝐞𝐫𝐞𝐮𝐦', ['bitcoin', 'ethereum']],
    ['a url with the keyword as a path word still matches', 'https://example.com/bitcoin', ['bitcoin']],
    ['nothing matches', 'gm frens', [UNKNOWN_TOPIC]],
    ['empty', '', [UNKNOWN_TOPIC]],
    ['emoji only', '🚀🚀🚀', [UNKNOWN_TOPIC]],
  ])('%s: %j -> %j', (_name, text, expected) => {
    expect(router.route(text)).toEqual(expected);
  });

  it('reports each topic once however often it matches', () => {
    expect(router.route('btc btc #btc $BTC bitcoin sats')).toEqual(['bitcoin']);
  });

  it('returns a fresh array: callers may mutate it', () => {
    const a = router.route('nothing here');
    a.push('x');
    expect(router.route('nothing here')).toEqual([UNKNOWN_TOPIC]);
  });

  it('searches only the first maxChars characters', () => {
    expect(DEFAULT_ROUTE_MAX_CHARS).toBe(10_000);
    const late = 'x '.repeat(6_000) + 'bitcoin';
    expect(router.route(late)).toEqual([UNKNOWN_TOPIC]);
    expect(createTopicRouter(TOPICS, { maxChars: 20_000 }).route(late)).toEqual(['bitcoin']);
  });

  it('never throws and returns known names only (property)', () => {
    const names = new Set([...TOPICS.map((t) => t.name), UNKNOWN_TOPIC]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
        ),
        (text) => {
          const topics = router.route(text);
          expect(topics.length).toBeGreaterThan(0);
          for (const t of topics) expect(names.has(t)).toBe(true);
          if (topics.includes(UNKNOWN_TOPIC)) expect(topics).toEqual([UNKNOWN_TOPIC]);
        },
      ),
      { numRuns: 1_000 },
    );
    expect(router.route(undefined as unknown as string)).toEqual([UNKNOWN_TOPIC]);
  });

  it('is pure: routing one text does not affect the next', () => {
    expect(router.route('btc')).toEqual(['bitcoin']);
    expect(router.route('ethereum')).toEqual(['ethereum']);
    expect(router.route('gm')).toEqual([UNKNOWN_TOPIC]);
  });

  it('routes with no topics configured: everything is unknown', () => {
    expect(createTopicRouter([]).route('bitcoin')).toEqual([UNKNOWN_TOPIC]);
  });
});

describe('createTopicRouter: configuration', () => {
  it('knows the coin of a topic', () => {
    expect(router.coinOf('bitcoin')).toBe('BTC');
    expect(router.coinOf('dip')).toBeUndefined();
    expect(router.coinOf('nope')).toBeUndefined();
  });

  it.each<[string, unknown, RegExp]>([
    ['empty name', [{ name: ' ', keywords: ['x'] }], /topics\[0\]\.name must be a non-empty string/],
    ['reserved name', [{ name: 'unknown', keywords: ['x'] }], /"unknown" is reserved/],
    [
      'duplicate name',
      [
        { name: 'a', keywords: ['x'] },
        { name: 'a', keywords: ['y'] },
      ],
      /topics\[1\]\.name "a" is used/,
    ],
    [
      'no keywords',
      [{ name: 'a', keywords: [] }],
      /topics\[0\]\.keywords \(topic "a"\) must list at least one/,
    ],
    [
      'keyword without letters',
      [{ name: 'a', keywords: ['btc', '$#!'] }],
      /topics\[0\]\.keywords\[1\] \(topic "a"\) has no letters/,
    ],
    ['non-string keyword', [{ name: 'a', keywords: [7] }], /keywords\[0\] \(topic "a"\) must be a string/],
  ])('rejects %s with the key and the reason', (_name, topics, message) => {
    expect(() => createTopicRouter(topics as TopicConfig[])).toThrow(message);
  });

  it('rejects a bad maxChars', () => {
    expect(() => createTopicRouter(TOPICS, { maxChars: -1 })).toThrow(/maxChars/);
  });
});
