import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PRICE } from '../price.ts';
import {
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  DEFAULT_INITIAL_BACKOFF_MS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_CONNECTION_LIFETIME_SECONDS,
  DEFAULT_PRODUCTS,
  DEFAULT_URL,
  coinbaseConfigSchema,
} from './config.ts';
import { parseCoinbaseMessage } from './parse.ts';
import { fromProductId, parseUnified, toProductId } from './symbols.ts';
import { PerSecondThrottle } from './throttle.ts';

const messages = JSON.parse(
  readFileSync(new URL('./testdata/messages.json', import.meta.url), 'utf8'),
) as Array<{
  raw: unknown;
  parsed: unknown;
}>;

describe('Coinbase messages', () => {
  it.each(messages.map((m, i) => [i, m] as const))('recorded message %i parses as recorded', (_i, m) => {
    expect(parseCoinbaseMessage(JSON.stringify(m.raw))).toEqual(m.parsed);
  });

  it('never throws and never yields a bad ticker on generated input', () => {
    const oddNum = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.constantFrom('1e400', '-1', '0', 'NaN', '', ' 1', '0x10', '1e13'),
    );
    const msg = fc.record(
      {
        type: fc.constantFrom('ticker', 'heartbeat', 'subscriptions', 'error', 'x'),
        product_id: fc.oneof(fc.constantFrom('BTC-USD', 'ETH-EUR', 'btc-usd', '-'), fc.string()),
        price: fc.oneof(oddNum, fc.double(), fc.constant(null)),
        best_bid: oddNum,
        best_ask: oddNum,
        volume_24h: oddNum,
        time: fc.oneof(
          fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
          fc.string(),
        ),
        channels: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          msg.map((m) => JSON.stringify(m)),
          fc.string(),
          fc.json(),
        ),
        (text) => {
          const r = parseCoinbaseMessage(text);
          if (r.kind !== 'ticker') return;
          expect(Number.isFinite(r.price) && r.price > 0 && r.price <= DEFAULT_MAX_PRICE).toBe(true);
          expect(Number.isFinite(r.timeMs)).toBe(true);
          for (const v of [r.bestBid, r.bestAsk, r.volume24h])
            if (v !== undefined) expect(Number.isFinite(v)).toBe(true);
        },
      ),
      { numRuns: 4000 },
    );
  });
});

describe('symbols at the edge', () => {
  it('maps BTC/USD to BTC-USD and back', () => {
    expect(toProductId(parseUnified('BTC/USD')!)).toBe('BTC-USD');
    expect(fromProductId('ETH-EUR')).toEqual({ symbol: 'ETH', quote: 'EUR' });
    expect(fromProductId('BTCUSD')).toBeUndefined();
    expect(parseUnified('BTC-USD')).toBeUndefined();
  });
});

describe('per-second throttle', () => {
  it('keeps the last value of each second and emits a second once', () => {
    const t = new PerSecondThrottle<number>();
    expect(t.offer('A', 1000, 1)).toEqual([]);
    expect(t.offer('A', 1900, 2)).toEqual([]);
    expect(t.offer('B', 1500, 10)).toEqual([]);
    expect(t.offer('A', 2100, 3)).toEqual([{ key: 'A', second: 1, value: 2 }]);
    // A late message for a second already written is ignored.
    expect(t.offer('A', 1999, 99)).toEqual([]);
    expect(t.due(2500)).toEqual([{ key: 'B', second: 1, value: 10 }]);
    expect(t.due(3000)).toEqual([{ key: 'A', second: 2, value: 3 }]);
    expect(t.offer('A', 2500, 4)).toEqual([]);
    expect(t.drain()).toEqual([]);
  });
});

describe('coinbase config', () => {
  it('pins the documented defaults', () => {
    expect(coinbaseConfigSchema.parse({})).toEqual({
      enabled: false,
      url: DEFAULT_URL,
      products: DEFAULT_PRODUCTS,
      heartbeatTimeoutSeconds: DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
      maxConnectionLifetimeSeconds: DEFAULT_MAX_CONNECTION_LIFETIME_SECONDS,
      initialBackoffMs: DEFAULT_INITIAL_BACKOFF_MS,
      maxBackoffMs: DEFAULT_MAX_BACKOFF_MS,
      handshakeTimeoutMs: 10_000,
      maxPrice: 1e12,
    });
    expect([
      DEFAULT_URL,
      DEFAULT_PRODUCTS,
      DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
      DEFAULT_MAX_CONNECTION_LIFETIME_SECONDS,
    ]).toEqual(['wss://ws-feed.exchange.coinbase.com', ['BTC/USD', 'ETH/USD'], 30, 21_600]);
  });

  it('refuses a product in exchange notation, naming the key', () => {
    const r = coinbaseConfigSchema.safeParse({ products: ['BTC-USD'] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['products', 0]);
  });
});
