// Pure parsers for CryptoCompare's min-api answers. No I/O: every function takes the status and body
// text (or a parsed body) and returns data or a classified failure, never throws.
//
// CryptoCompare reports most failures as HTTP 200 with an error body:
//   {"Response":"Error","Message":"fsym is a required param.","HasWarning":false,"Type":2,
//    "RateLimit":{},"Data":{}}
// and rate limits the same way, with Type 99 and the counters of every window:
//   {"Response":"Error","Message":"You are over your rate limit please upgrade your account!","Type":99,
//    "RateLimit":{"calls_made":{"second":21,"minute":40,"hour":40,"day":40,"month":40},
//                 "max_calls":{"second":20,"minute":300,"hour":3000,"day":7500,"month":100000}},"Data":{}}
import { checkPrice, checkVolume, DEFAULT_MAX_PRICE, type PriceRejectReason } from '../price.ts';

export type CcErrorType = 'rate_limit' | 'error' | 'http' | 'network' | 'parse';

export interface CcFailure {
  ok: false;
  type: CcErrorType;
  message: string;
  /** How long the server's counters say to wait (rate limits only), in ms. */
  waitMs?: number;
  /** The request never reached the server or the answer was not understood; a retry may help. */
  canRetry: boolean;
}
export type CcAnswer = { ok: true; body: Record<string, unknown> } | CcFailure;

const MAX_MESSAGE_CHARS = 200;

/** Sorts one HTTP answer into a usable JSON object or a typed failure. */
export function classifyAnswer(status: number, text: string, nowMs: number, retryAfterMs?: number): CcAnswer {
  if (status === 429) {
    return {
      ok: false,
      type: 'rate_limit',
      message: `HTTP 429`,
      canRetry: true,
      ...(retryAfterMs !== undefined ? { waitMs: retryAfterMs } : {}),
    };
  }
  if (status < 200 || status >= 300) {
    return { ok: false, type: 'http', message: `HTTP ${status}: ${snippet(text)}`, canRetry: status >= 500 };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, type: 'parse', message: `not JSON: ${snippet(text)}`, canRetry: true };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, type: 'parse', message: `not a JSON object: ${snippet(text)}`, canRetry: true };
  }
  const b = body as Record<string, unknown>;
  if (b.Response === 'Error') {
    const message =
      typeof b.Message === 'string' ? b.Message.slice(0, MAX_MESSAGE_CHARS) : 'error without message';
    if (b.Type === 99 || /rate limit/i.test(message)) {
      const waitMs = rateLimitWaitMs(b.RateLimit, nowMs);
      return {
        ok: false,
        type: 'rate_limit',
        message,
        canRetry: true,
        ...(waitMs !== undefined ? { waitMs } : {}),
      };
    }
    return { ok: false, type: 'error', message, canRetry: false };
  }
  return { ok: true, body: b };
}

function snippet(text: string): string {
  return text.slice(0, 120).replace(/\s+/g, ' ');
}

const WINDOW_ORDER = ['second', 'minute', 'hour', 'day', 'month'] as const;

/**
 * From the RateLimit counters, the wait until the longest exhausted window rolls over (UTC
 * boundaries). Undefined when no window is exhausted or the counters are missing.
 */
export function rateLimitWaitMs(rateLimit: unknown, nowMs: number): number | undefined {
  if (!rateLimit || typeof rateLimit !== 'object') return undefined;
  const made = (rateLimit as Record<string, unknown>).calls_made;
  const max = (rateLimit as Record<string, unknown>).max_calls;
  if (!made || typeof made !== 'object' || !max || typeof max !== 'object') return undefined;
  let wait: number | undefined;
  for (const w of WINDOW_ORDER) {
    const m = (made as Record<string, unknown>)[w];
    const x = (max as Record<string, unknown>)[w];
    if (typeof m !== 'number' || typeof x !== 'number' || !Number.isFinite(m) || !Number.isFinite(x))
      continue;
    if (m >= x) wait = windowEndMs(w, nowMs) - nowMs;
  }
  return wait;
}

function windowEndMs(w: (typeof WINDOW_ORDER)[number], nowMs: number): number {
  const d = new Date(nowMs);
  switch (w) {
    case 'second':
      return Math.floor(nowMs / 1000) * 1000 + 1000;
    case 'minute':
      return Math.floor(nowMs / 60_000) * 60_000 + 60_000;
    case 'hour':
      return Math.floor(nowMs / 3_600_000) * 3_600_000 + 3_600_000;
    case 'day':
      return Math.floor(nowMs / 86_400_000) * 86_400_000 + 86_400_000;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}

/**
 * /data/all/coinlist -> the set of known symbols (the keys of `Data`).
 *   {"Response":"Success","Data":{"BTC":{"Id":"1182","Symbol":"BTC",...},"ETH":{...}}}
 */
export function parseCoinList(body: Record<string, unknown>): Set<string> | undefined {
  const data = body.Data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const keys = Object.keys(data);
  return keys.length > 0 ? new Set(keys) : undefined;
}

export interface Quote {
  symbol: string;
  quote: string;
  price: number;
}
export interface Rejection {
  symbol: string;
  quote: string;
  reason: PriceRejectReason;
}

/**
 * /data/pricemulti?fsyms=BTC,ETH&tsyms=USD,EUR -> one price per requested pair.
 *   {"BTC":{"USD":43012.5,"EUR":39500.1},"ETH":{"USD":2301.2,"EUR":2110.7}}
 * Pairs absent from the answer are rejected as `missing`, so every requested pair is accounted for.
 */
export function parsePriceMulti(
  body: Record<string, unknown>,
  coins: readonly string[],
  quotes: readonly string[],
  maxPrice = DEFAULT_MAX_PRICE,
): { prices: Quote[]; rejected: Rejection[] } {
  const prices: Quote[] = [];
  const rejected: Rejection[] = [];
  for (const symbol of coins) {
    const row = Object.hasOwn(body, symbol) ? body[symbol] : undefined;
    for (const quote of quotes) {
      const v =
        row && typeof row === 'object' && !Array.isArray(row) && Object.hasOwn(row, quote)
          ? (row as Record<string, unknown>)[quote]
          : undefined;
      const c = checkPrice(v, maxPrice);
      if (c.ok) prices.push({ symbol, quote, price: c.value });
      else rejected.push({ symbol, quote, reason: c.reason });
    }
  }
  return { prices, rejected };
}

export interface Bar {
  /** Bar open time, seconds since the epoch. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volumefrom: number;
  volumeto: number;
}
export type BarRejectReason = PriceRejectReason | 'bad_time' | 'empty_bar' | 'bad_volume' | 'malformed';

export interface HistoPage {
  timeFrom: number;
  timeTo: number;
  bars: Bar[];
  rejected: Partial<Record<BarRejectReason, number>>;
}

/**
 * /data/v2/histominute|histohour|histoday?fsym=BTC&tsym=USD&limit=2000&toTs=... ->
 *   {"Response":"Success","Data":{"Aggregated":false,"TimeFrom":1700000000,"TimeTo":1700120000,
 *    "Data":[{"time":1700000000,"high":37100.2,"low":37050.1,"open":37060,"volumefrom":12.3,
 *             "volumeto":456789.1,"close":37090.5,"conversionType":"direct","conversionSymbol":""}]}}
 * Bars before a coin was listed come back as all zeros: those are `empty_bar`, not prices.
 * Undefined when the envelope itself is malformed.
 */
export function parseHisto(
  body: Record<string, unknown>,
  maxPrice = DEFAULT_MAX_PRICE,
): HistoPage | undefined {
  const data = body.Data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  const timeFrom = d.TimeFrom;
  const timeTo = d.TimeTo;
  if (!isEpochSeconds(timeFrom) || !isEpochSeconds(timeTo) || timeFrom > timeTo) return undefined;
  if (!Array.isArray(d.Data)) return undefined;
  const bars: Bar[] = [];
  const rejected: Partial<Record<BarRejectReason, number>> = {};
  const reject = (r: BarRejectReason) => (rejected[r] = (rejected[r] ?? 0) + 1);
  for (const raw of d.Data as unknown[]) {
    if (!raw || typeof raw !== 'object') {
      reject('malformed');
      continue;
    }
    const r = raw as Record<string, unknown>;
    if (!isEpochSeconds(r.time)) {
      reject('bad_time');
      continue;
    }
    if (r.open === 0 && r.high === 0 && r.low === 0 && r.close === 0) {
      reject('empty_bar');
      continue;
    }
    const o = checkPrice(r.open, maxPrice);
    const h = checkPrice(r.high, maxPrice);
    const l = checkPrice(r.low, maxPrice);
    const c = checkPrice(r.close, maxPrice);
    const bad = [o, h, l, c].find((x) => !x.ok);
    if (bad && !bad.ok) {
      reject(bad.reason);
      continue;
    }
    const vf = checkVolume(r.volumefrom);
    const vt = checkVolume(r.volumeto);
    if (vf === undefined || vt === undefined) {
      reject('bad_volume');
      continue;
    }
    bars.push({
      time: r.time,
      open: (o as { value: number }).value,
      high: (h as { value: number }).value,
      low: (l as { value: number }).value,
      close: (c as { value: number }).value,
      volumefrom: vf,
      volumeto: vt,
    });
  }
  return { timeFrom, timeTo, bars, rejected };
}

/** Whole seconds between 2009-01-01 (Bitcoin) and year 2100. */
function isEpochSeconds(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1_230_768_000 && v <= 4_102_444_800;
}
