import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RuleBuildError, buildRules, diffRules, keywordTerm, type ExistingRule } from './rules.ts';

const opts = { maxRuleLength: 512, maxRules: 5, tagPrefix: 'cryptocrawler:', cashtagOperator: false };

describe('keywordTerm', () => {
  it.each([
    ['bitcoin', false, 'bitcoin'],
    ['premier league', false, '"premier league"'],
    ['#bitcoin', false, '#bitcoin'],
    ['$BTC', false, 'BTC'],
    ['$BTC', true, '$BTC'],
    ['web3.0', false, '"web3.0"'],
    ['say "hodl"', false, '"say \\"hodl\\""'],
  ])('%s (cashtag operator %s) -> %s', (kw, cash, want) => {
    expect(keywordTerm(kw, cash)).toBe(want);
  });
});

describe('buildRules', () => {
  it('packs the keywords into one rule with the server-side filters', () => {
    const rules = buildRules(
      [
        { name: 'bitcoin', keywords: ['bitcoin', 'BTC', '$btc'] },
        { name: 'football', keywords: ['premier league'] },
      ],
      opts,
    );
    expect(rules).toEqual([
      {
        value: '(bitcoin OR BTC OR "premier league") lang:en -is:retweet',
        tag: 'cryptocrawler:bitcoin,football',
      },
    ]);
  });

  it('starts a new rule when the next keyword would pass maxRuleLength', () => {
    const kws = Array.from({ length: 40 }, (_, i) => `keyword${String(i).padStart(2, '0')}`);
    const rules = buildRules([{ name: 't', keywords: kws }], { ...opts, maxRuleLength: 120, maxRules: 10 });
    expect(rules.length).toBeGreaterThan(1);
    for (const r of rules) {
      expect(r.value.length).toBeLessThanOrEqual(120);
      expect(r.value.endsWith(') lang:en -is:retweet')).toBe(true);
    }
    const terms = rules.flatMap((r) => r.value.slice(1, r.value.indexOf(')')).split(' OR '));
    expect(terms).toEqual(kws);
  });

  it('names a keyword that cannot fit in any rule', () => {
    expect(() => buildRules([{ name: 'long', keywords: ['x'.repeat(600)] }], opts)).toThrow(RuleBuildError);
    expect(() => buildRules([{ name: 'long', keywords: ['x'.repeat(600)] }], opts)).toThrow(
      /keyword "x+" of topic "long"/,
    );
  });

  it('refuses more rules than maxRules, saying how many are needed', () => {
    const kws = Array.from({ length: 40 }, (_, i) => `keyword${i}`);
    expect(() =>
      buildRules([{ name: 't', keywords: kws }], { ...opts, maxRuleLength: 100, maxRules: 2 }),
    ).toThrow(/need \d+ rules of at most 100 characters; maxRules is 2/);
  });

  it('fits the shipped config.yaml topics in the Basic tier limits', () => {
    const topics = [
      { name: 'bitcoin', keywords: ['bitcoin', 'btc', 'satoshi', 'sats'] },
      { name: 'ethereum', keywords: ['ethereum', 'eth', 'ether', 'vitalik'] },
      { name: 'iota', keywords: ['iota', 'miota', 'tangle'] },
      {
        name: 'crypto',
        keywords: ['crypto', 'cryptocurrency', 'altcoin', 'altcoins', 'blockchain', 'defi', 'web3'],
      },
      { name: 'football', keywords: ['football', 'soccer', 'premier league', 'champions league'] },
      { name: 'weather', keywords: ['weather', 'rain', 'snow', 'heatwave'] },
    ];
    const rules = buildRules(topics, opts);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.value.length).toBe(305);
  });
});

describe('diffRules', () => {
  const recorded = JSON.parse(readFileSync(new URL('./testdata/rules.json', import.meta.url), 'utf8')) as {
    list: { data: ExistingRule[] };
  };

  it('adds what is missing, deletes our stale rules, keeps ours and leaves foreign ones alone', () => {
    const wanted = [
      { value: '(bitcoin OR btc) lang:en -is:retweet', tag: 'cryptocrawler:bitcoin' },
      { value: '(ethereum OR eth) lang:en -is:retweet', tag: 'cryptocrawler:ethereum' },
    ];
    const existing = [
      ...recorded.list.data,
      { id: '77', value: '(dogecoin) lang:en -is:retweet', tag: 'cryptocrawler:doge' },
    ];
    const d = diffRules(existing, wanted, 'cryptocrawler:');
    expect(d.add).toEqual([wanted[1]]);
    expect(d.delete).toEqual(['77']);
    expect(d.keep.map((r) => r.id)).toEqual(['1790000000000000001']);
    expect(d.foreign.map((r) => r.id)).toEqual(['1790000000000000009']);
  });

  it('deletes a second copy of one of our values', () => {
    const v = '(iota) lang:en -is:retweet';
    const d = diffRules(
      [
        { id: '1', value: v, tag: 'cryptocrawler:iota' },
        { id: '2', value: v, tag: 'cryptocrawler:iota' },
      ],
      [{ value: v, tag: 'cryptocrawler:iota' }],
      'cryptocrawler:',
    );
    expect(d).toMatchObject({ add: [], delete: ['2'] });
  });

  it('is a no-op when everything is in place', () => {
    const w = [{ value: '(iota) lang:en -is:retweet', tag: 'cryptocrawler:iota' }];
    expect(diffRules([{ id: '5', ...w[0]! }], w, 'cryptocrawler:')).toMatchObject({ add: [], delete: [] });
  });
});
