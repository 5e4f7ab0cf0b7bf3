import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { barLine } from '../backfill/run.ts';
import { classifyAnswer, parseCoinList, parseHisto, parsePriceMulti, rateLimitWaitMs } from './parse.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8'));

describe('CryptoCompare parsers on recorded payloads', () => {
  it('pricemulti gives one price per requested pair', () => {
    const f = fixture('pricemulti.json');
    const ans = classifyAnswer(200, JSON.stringify(f.response), 0);
    expect(ans.ok).toBe(true);
    const r = parsePriceMulti(
      (ans as { body: Record<string, unknown> }).body,
      ['BTC', 'ETH', 'IOTA'],
      ['USD', 'EUR'],
    );
    expect(r.prices).toEqual(f.parsed);
    expect(r.rejected).toEqual([]);
  });

  it('a 200 error body is an error failure that says no retry', () => {
    const f = fixture('error-200.json');
    expect(classifyAnswer(f.status, JSON.stringify(f.response), 0)).toMatchObject(f.parsed);
    expect(classifyAnswer(f.status, JSON.stringify(f.response), 0)).toMatchObject({ canRetry: false });
  });

  it('a 200 rate-limit body waits until the exhausted window ends', () => {
    const f = fixture('rate-limit-200.json');
    expect(classifyAnswer(f.status, JSON.stringify(f.response), Date.parse(f.now))).toMatchObject(f.parsed);
  });

  it('the longest exhausted window decides the wait; none exhausted means no wait', () => {
    const now = Date.parse('2025-01-31T23:59:00Z');
    const rl = (made: Record<string, number>) => ({
      calls_made: made,
      max_calls: { second: 20, minute: 300, month: 1000 },
    });
    expect(rateLimitWaitMs(rl({ second: 20, minute: 1 }), now)).toBe(1000);
    expect(rateLimitWaitMs(rl({ second: 20, minute: 1, month: 1000 }), now)).toBe(60_000);
    expect(rateLimitWaitMs(rl({ second: 1 }), now)).toBeUndefined();
    expect(rateLimitWaitMs('x', now)).toBeUndefined();
  });

  it.each(fixture('bad-bodies.json') as Array<{ name: string; status: number; text: string; type: string }>)(
    'classifies $name as $type',
    ({ status, text, type }) => {
      expect(classifyAnswer(status, text, 0)).toMatchObject({ ok: false, type });
    },
  );

  it('the coin list is the keys of Data', () => {
    const f = fixture('coinlist.json');
    expect([...parseCoinList(f.response)!]).toEqual(f.parsed);
    expect(parseCoinList({ Data: [] })).toBeUndefined();
    expect(parseCoinList({})).toBeUndefined();
  });

  it('histominute bars become price lines with OHLC and volumes at bar open time', () => {
    const f = fixture('histominute.json');
    const page = parseHisto(f.response)!;
    expect(page.timeFrom).toBe(1736157480);
    expect(page.bars.map((b) => barLine({ symbol: 'BTC', quote: 'USD' }, b))).toEqual(f.lines);
  });

  it('all-zero bars before a listing are empty bars, not prices', () => {
    const f = fixture('histoday-unlisted.json');
    const page = parseHisto(f.response)!;
    expect(page.bars).toHaveLength(f.bars);
    expect(page.rejected).toEqual(f.rejected);
  });

  it('odd prices are rejected by reason, never returned', () => {
    const body = JSON.parse(
      '{"BTC":{"USD":1e400,"EUR":"97000"},"ETH":{"USD":0,"EUR":-3},"IOTA":{"USD":1e13}}',
    );
    const r = parsePriceMulti(body, ['BTC', 'ETH', 'IOTA', 'DOGE'], ['USD', 'EUR']);
    expect(r.prices).toEqual([]);
    expect(r.rejected.map((x) => `${x.symbol}/${x.quote}:${x.reason}`)).toEqual([
      'BTC/USD:non_finite',
      'BTC/EUR:not_number',
      'ETH/USD:non_positive',
      'ETH/EUR:non_positive',
      'IOTA/USD:absurd',
      'IOTA/EUR:missing',
      'DOGE/USD:missing',
      'DOGE/EUR:missing',
    ]);
  });

  it('a history answer without its envelope is undefined', () => {
    expect(parseHisto({ Data: { TimeFrom: 1, TimeTo: 2, Data: [] } })).toBeUndefined();
    expect(parseHisto({ Data: [] })).toBeUndefined();
    expect(parseHisto({ Data: { TimeFrom: 1736157480, TimeTo: 1736157600, Data: {} } })).toBeUndefined();
  });
});
