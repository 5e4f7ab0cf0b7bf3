// Thousands of generated malformed answers: the parsers never throw and never return a price that is
// not finite, positive and bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PRICE } from '../price.ts';
import { classifyAnswer, parseCoinList, parseHisto, parsePriceMulti } from './parse.ts';

const oddNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    -1,
    Number.parseFloat('1e400'),
    Number.NaN,
    Infinity,
    -Infinity,
    1e13,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.integer(),
);
const oddValue = fc.oneof(
  oddNumber,
  fc.string(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const symbols = ['BTC', 'ETH', 'IOTA'];
const quotes = ['USD', 'EUR'];

const priceBody = fc.dictionary(
  fc.oneof(fc.constantFrom(...symbols, '__proto__', 'constructor'), fc.string()),
  fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom(...quotes), fc.string()), oddValue), oddValue),
);
const bar = fc.record(
  {
    time: fc.oneof(fc.integer({ min: 1_230_768_000, max: 4_102_444_800 }), oddNumber, fc.string()),
    open: oddValue,
    high: oddValue,
    low: oddValue,
    close: oddValue,
    volumefrom: oddValue,
    volumeto: oddValue,
  },
  { requiredKeys: [] },
);
// A bar CryptoCompare would really send: every field present and in range.
const goodPrice = fc.double({ min: 1e-8, max: DEFAULT_MAX_PRICE, noNaN: true, noDefaultInfinity: true });
const validBar = fc.record({
  time: fc.integer({ min: 1_230_768_000, max: 4_102_444_800 }),
  open: goodPrice,
  high: goodPrice,
  low: goodPrice,
  close: goodPrice,
  volumefrom: fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }),
  volumeto: fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }),
});
/** A well-formed page whose bars are a mix of valid and broken ones. */
const mixedPage = fc.record({
  Response: fc.constant('Success'),
  Data: fc.record({
    Aggregated: fc.boolean(),
    TimeFrom: fc.integer({ min: 1_600_000_000, max: 1_700_000_000 }),
    TimeTo: fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }),
    Data: fc.array(fc.oneof({ arbitrary: validBar, weight: 3 }, bar, oddValue), { maxLength: 20 }),
  }),
});

/** The bar rules restated independently of the parser: what must come out, in order. */
function expectedBars(raw: unknown[]): unknown[] {
  const price = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= DEFAULT_MAX_PRICE;
  const volume = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  return raw.filter((b): b is Record<string, unknown> => {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return false;
    const r = b as Record<string, unknown>;
    const t = r.time;
    if (!(typeof t === 'number' && Number.isInteger(t) && t >= 1_230_768_000 && t <= 4_102_444_800))
      return false;
    return [r.open, r.high, r.low, r.close].every(price) && [r.volumefrom, r.volumeto].every(volume);
  });
}

const histoBody = fc.record(
  {
    Response: fc.constantFrom('Success', 'Error', 'x'),
    Data: fc.oneof(
      fc.record(
        {
          Aggregated: fc.boolean(),
          TimeFrom: fc.oneof(fc.integer({ min: 1_600_000_000, max: 1_700_000_000 }), oddNumber),
          TimeTo: fc.oneof(fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }), oddNumber),
          Data: fc.oneof(fc.array(fc.oneof(bar, oddValue), { maxLength: 20 }), oddValue),
        },
        { requiredKeys: [] },
      ),
      oddValue,
    ),
  },
  { requiredKeys: [] },
);

function isGoodPrice(p: number): boolean {
  return Number.isFinite(p) && p > 0 && p <= DEFAULT_MAX_PRICE;
}

describe('CryptoCompare parsers under fuzzing', () => {
  it('classifyAnswer never throws on arbitrary text and statuses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.string(), fc.json()), (status, text) => {
        const a = classifyAnswer(status, text, 1_736_157_600_000);
        if (a.ok) expect(typeof a.body).toBe('object');
        else expect(['rate_limit', 'error', 'http', 'network', 'parse']).toContain(a.type);
      }),
      { numRuns: 3000 },
    );
  });

  it('truncations of a valid body are failures or valid prices, never garbage', () => {
    const full = '{"BTC":{"USD":97021.37,"EUR":93512.08},"ETH":{"USD":1e400,"EUR":"3514.2"}}';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: full.length }), (n) => {
        const a = classifyAnswer(200, full.slice(0, n), 0);
        if (!a.ok) return;
        for (const p of parsePriceMulti(a.body, symbols, quotes).prices)
          expect(isGoodPrice(p.price)).toBe(true);
      }),
    );
  });

  it('parsePriceMulti returns only valid prices and accounts for every pair', () => {
    fc.assert(
      fc.property(priceBody, (body) => {
        const r = parsePriceMulti(body as Record<string, unknown>, symbols, quotes);
        for (const p of r.prices) expect(isGoodPrice(p.price)).toBe(true);
        expect(r.prices.length + r.rejected.length).toBe(symbols.length * quotes.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseHisto returns only complete, valid bars', () => {
    fc.assert(
      fc.property(histoBody, (body) => {
        const page = parseHisto(body as Record<string, unknown>);
        if (!page) return;
        for (const b of page.bars) {
          expect(Number.isInteger(b.time)).toBe(true);
          for (const v of [b.open, b.high, b.low, b.close]) expect(isGoodPrice(v)).toBe(true);
          for (const v of [b.volumefrom, b.volumeto]) expect(Number.isFinite(v) && v >= 0).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('parseHisto keeps exactly the valid bars of a page, in order, and counts every other one', () => {
    let valid = 0;
    let broken = 0;
    fc.assert(
      fc.property(mixedPage, (body) => {
        const page = parseHisto(body as unknown as Record<string, unknown>);
        expect(page).toBeDefined();
        const want = expectedBars(body.Data.Data);
        expect(page!.bars).toEqual(want);
        const rejected = Object.values(page!.rejected).reduce((a, n) => a + (n ?? 0), 0);
        expect(page!.bars.length + rejected).toBe(body.Data.Data.length);
        valid += want.length;
        broken += rejected;
      }),
      { numRuns: 2000 },
    );
    // The generator really exercises both sides.
    expect(valid).toBeGreaterThan(5000);
    expect(broken).toBeGreaterThan(1000);
  });

  it('parseCoinList never throws', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(oddValue, fc.dictionary(fc.string(), oddValue))),
        (body) => {
          const s = parseCoinList(body);
          if (s) expect(s.size).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
