// The `price` point and the checks every price passes before it becomes one. Pure.
//
// A price is refused (and counted by reason) when it is not a number, not finite (JSON "1e400" parses
// to Infinity), zero or negative, or absurdly large: no coin is worth more than `maxPrice` in any
// quote currency, so such a value is a unit or parsing error upstream, never a market move.
import { toLine, type FieldValue } from '../../src/core/write/line.ts';

export type PriceRejectReason = 'missing' | 'not_number' | 'non_finite' | 'non_positive' | 'absurd';

/** Above this a price is refused as absurd (1e12 leaves room for BTC in weak fiat currencies). */
export const DEFAULT_MAX_PRICE = 1e12;

const NUMERIC_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export type PriceCheck = { ok: true; value: number } | { ok: false; reason: PriceRejectReason };

/**
 * Checks one price. Numbers and, when `allowString` (exchanges send decimals as strings to keep their
 * precision), plain decimal strings are accepted.
 */
export function checkPrice(v: unknown, maxPrice = DEFAULT_MAX_PRICE, allowString = false): PriceCheck {
  if (v === undefined || v === null) return { ok: false, reason: 'missing' };
  let n: number;
  if (typeof v === 'number') n = v;
  else if (allowString && typeof v === 'string' && NUMERIC_STRING.test(v.trim())) n = Number(v);
  else return { ok: false, reason: 'not_number' };
  if (!Number.isFinite(n)) return { ok: false, reason: 'non_finite' };
  if (n <= 0) return { ok: false, reason: 'non_positive' };
  if (n > maxPrice) return { ok: false, reason: 'absurd' };
  return { ok: true, value: n };
}

/** A volume or size: finite and not negative (zero is a real volume). Undefined when it is not. */
export function checkVolume(v: unknown, allowString = false): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (allowString && typeof v === 'string' && NUMERIC_STRING.test(v.trim())) n = Number(v);
  else return undefined;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export interface PricePoint {
  symbol: string;
  quote: string;
  source: string;
  /** `price` is required; the rest (open, high, low, close, volumes, bid/ask) where the source has them. */
  fields: { price: number } & Record<string, number | undefined>;
  timeNs: string | bigint;
}

export function priceLine(p: PricePoint): string {
  const fields: Record<string, FieldValue | undefined> = {};
  for (const [k, v] of Object.entries(p.fields)) fields[k] = v;
  return toLine({
    measurement: 'price',
    tags: { symbol: p.symbol, quote: p.quote, source: p.source },
    fields,
    timeNs: p.timeNs,
  });
}
