// Pure parser for Coinbase Exchange WebSocket messages (ws-feed.exchange.coinbase.com). Never throws.
//
// ticker:        {"type":"ticker","sequence":37475248783,"product_id":"BTC-USD","price":"43012.51",
//                 "open_24h":"42100","volume_24h":"12345.678","low_24h":"41900","high_24h":"43500",
//                 "best_bid":"43012.50","best_bid_size":"0.1","best_ask":"43012.51",
//                 "best_ask_size":"0.2","side":"buy","time":"2024-01-05T12:00:00.123456Z",
//                 "trade_id":580000001,"last_size":"0.001"}
// heartbeat:     {"type":"heartbeat","sequence":37475248784,"last_trade_id":580000001,
//                 "product_id":"BTC-USD","time":"2024-01-05T12:00:01.000000Z"}
// subscriptions: {"type":"subscriptions","channels":[{"name":"ticker","product_ids":["BTC-USD"]}]}
// error:         {"type":"error","message":"Failed to subscribe","reason":"ZZZ-USD is not a valid product"}
import { checkPrice, checkVolume, DEFAULT_MAX_PRICE, type PriceRejectReason } from '../price.ts';
import { fromProductId, type Pair } from './symbols.ts';

export interface Ticker {
  kind: 'ticker';
  pair: Pair;
  price: number;
  volume24h?: number;
  bestBid?: number;
  bestAsk?: number;
  /** Exchange event time, ms since the epoch. */
  timeMs: number;
}

export type CoinbaseMessage =
  | Ticker
  | { kind: 'heartbeat'; pair?: Pair }
  | { kind: 'subscriptions'; products: string[] }
  | { kind: 'error'; message: string }
  | { kind: 'ignored'; type: string }
  | { kind: 'invalid'; reason: 'malformed' | 'bad_product' | 'bad_time' | PriceRejectReason };

const MAX_ERROR_CHARS = 200;

export function parseCoinbaseMessage(text: string, maxPrice = DEFAULT_MAX_PRICE): CoinbaseMessage {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'malformed' };
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) return { kind: 'invalid', reason: 'malformed' };
  const m = j as Record<string, unknown>;
  switch (m.type) {
    case 'ticker': {
      const pair = typeof m.product_id === 'string' ? fromProductId(m.product_id) : undefined;
      if (!pair) return { kind: 'invalid', reason: 'bad_product' };
      const price = checkPrice(m.price, maxPrice, true);
      if (!price.ok) return { kind: 'invalid', reason: price.reason };
      const timeMs =
        typeof m.time === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(m.time) ? Date.parse(m.time) : NaN;
      if (!Number.isFinite(timeMs) || timeMs <= 0) return { kind: 'invalid', reason: 'bad_time' };
      const bid = checkPrice(m.best_bid, maxPrice, true);
      const ask = checkPrice(m.best_ask, maxPrice, true);
      const volume24h = checkVolume(m.volume_24h, true);
      return {
        kind: 'ticker',
        pair,
        price: price.value,
        timeMs,
        ...(volume24h !== undefined ? { volume24h } : {}),
        ...(bid.ok ? { bestBid: bid.value } : {}),
        ...(ask.ok ? { bestAsk: ask.value } : {}),
      };
    }
    case 'heartbeat': {
      const pair = typeof m.product_id === 'string' ? fromProductId(m.product_id) : undefined;
      return pair ? { kind: 'heartbeat', pair } : { kind: 'heartbeat' };
    }
    case 'subscriptions': {
      const products = new Set<string>();
      if (Array.isArray(m.channels))
        for (const c of m.channels)
          if (c && typeof c === 'object' && Array.isArray((c as Record<string, unknown>).product_ids))
            for (const p of (c as { product_ids: unknown[] }).product_ids)
              if (typeof p === 'string') products.add(p);
      return { kind: 'subscriptions', products: [...products] };
    }
    case 'error': {
      const msg = [m.message, m.reason].filter((x) => typeof x === 'string').join(': ');
      return { kind: 'error', message: (msg || 'error without message').slice(0, MAX_ERROR_CHARS) };
    }
    default:
      return typeof m.type === 'string'
        ? { kind: 'ignored', type: m.type.slice(0, 40) }
        : { kind: 'invalid', reason: 'malformed' };
  }
}
