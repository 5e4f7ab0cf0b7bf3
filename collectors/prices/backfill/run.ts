// Price history from CryptoCompare's histo endpoints into `price` points. Pages backwards from the
// end of each segment with `toTs` and `limit=2000`, so each request returns up to 2001 bars.
//
// Points are written at the bar's open time with source=cryptocompare and no resolution tag (a tag
// would split the series in dashboards): fields price (= open, the price at that instant), open,
// high, low, close, volumefrom, volumeto. The same bars always give the same lines, so running a
// backfill twice leaves the same points (idempotent).
import type { ServiceRegistry } from '../../../src/core/metrics/registry.ts';
import { InvalidPointError, secondsToNs } from '../../../src/core/write/line.ts';
import type { PointWriter } from '../../../src/core/write/writer.ts';
import { backoffMs } from '../../../src/core/backoff.ts';
import { DEFAULT_MAX_PRICE, priceLine } from '../price.ts';
import type { CcAnswer, CcFailure } from '../cryptocompare/parse.ts';
import { parseHisto, type Bar } from '../cryptocompare/parse.ts';
import { ENDPOINT, MAX_PAGE_LIMIT, STEP_SECONDS, pagesFor, planBackfill, type Segment } from './plan.ts';

export const SOURCE_TAG = 'cryptocompare';
export const DEFAULT_MAX_RETRIES = 4;
/** The longest wait a rate-limit answer may impose on a backfill before it gives up on a page. */
export const DEFAULT_MAX_WAIT_MS = 60_000;

export interface HistoClient {
  get(path: string, params: Record<string, string | number>): Promise<CcAnswer>;
}

export interface Pair {
  symbol: string;
  quote: string;
}

export interface BackfillProgress {
  pagesDone: number;
  /** An estimate: a coin listed after the span starts ends its paging early. */
  pagesTotal: number;
  points: number;
  elapsedMs: number;
}

export interface BackfillOptions {
  client: HistoClient;
  writer: PointWriter;
  pairs: Pair[];
  fromMs: number;
  toMs: number;
  nowMs: number;
  minuteHistoryDays: number;
  hourHistoryDays: number;
  maxPrice?: number;
  metrics?: ServiceRegistry;
  onProgress?: (p: BackfillProgress) => void;
  /** Stops before refusing a call: the monthly budget. */
  budgetExhausted?: () => boolean;
  maxRetries?: number;
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Aborting stops after the page in flight. */
  signal?: AbortSignal;
  clock?: () => number;
}

export interface BackfillResult {
  pages: number;
  points: number;
  rejected: number;
  /** One line per pair and segment that could not be completed. */
  failures: string[];
}

export function backfillMetrics(metrics: ServiceRegistry) {
  return {
    points: metrics.counter('price_points_total', 'Price points written, by source.', ['source']),
    rejected: metrics.counter('price_rejected_total', 'Prices refused, by source and reason.', [
      'source',
      'reason',
    ]),
    errors: metrics.counter('cryptocompare_errors_total', 'Failed CryptoCompare calls, by type.', ['type']),
    pages: metrics.counter('backfill_pages_total', 'History pages read, by resolution.', ['resolution']),
  };
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runBackfill(o: BackfillOptions): Promise<BackfillResult> {
  const clock = o.clock ?? Date.now;
  const started = clock();
  const segments = planBackfill(o);
  const m = o.metrics ? backfillMetrics(o.metrics) : undefined;
  const result: BackfillResult = { pages: 0, points: 0, rejected: 0, failures: [] };
  const pagesTotal = o.pairs.length * segments.reduce((n, s) => n + pagesFor(s), 0);
  const report = () =>
    o.onProgress?.({
      pagesDone: result.pages,
      pagesTotal,
      points: result.points,
      elapsedMs: clock() - started,
    });
  report();
  for (const pair of o.pairs) {
    // Newest first: the recent past is what dashboards miss most.
    for (const seg of [...segments].reverse()) {
      if (o.signal?.aborted) return result;
      const failure = await backfillSegment(o, pair, seg, result, m, report);
      if (failure) result.failures.push(`${pair.symbol}/${pair.quote} ${seg.resolution}: ${failure}`);
    }
  }
  return result;
}

async function backfillSegment(
  o: BackfillOptions,
  pair: Pair,
  seg: Segment,
  result: BackfillResult,
  m: ReturnType<typeof backfillMetrics> | undefined,
  report: () => void,
): Promise<string | undefined> {
  const step = STEP_SECONDS[seg.resolution];
  const maxPages = pagesFor(seg) + 2;
  let toTs = seg.toS;
  for (let page = 0; page < maxPages && toTs >= seg.fromS; page++) {
    if (o.signal?.aborted) return undefined;
    const limit = Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.ceil((toTs - seg.fromS) / step)));
    const ans = await getWithRetry(
      o,
      ENDPOINT[seg.resolution],
      { fsym: pair.symbol, tsym: pair.quote, limit, toTs },
      m,
    );
    if (!ans.ok) return `${ans.type}: ${ans.message}`;
    const parsed = parseHisto(ans.body, o.maxPrice ?? DEFAULT_MAX_PRICE);
    result.pages++;
    m?.pages.inc({ resolution: seg.resolution });
    if (!parsed) {
      m?.errors.inc({ type: 'parse' });
      report();
      return 'parse: history answer without Data.TimeFrom/TimeTo/Data';
    }
    for (const [reason, n] of Object.entries(parsed.rejected)) {
      // Zero bars before a coin was listed are expected, not bad input.
      if (reason === 'empty_bar') continue;
      result.rejected += n;
      m?.rejected.inc({ source: SOURCE_TAG, reason }, n);
    }
    const lines: string[] = [];
    for (const bar of parsed.bars) {
      if (bar.time < seg.fromS || bar.time > seg.toS) continue;
      try {
        lines.push(barLine(pair, bar));
      } catch (err) {
        if (!(err instanceof InvalidPointError)) throw err;
        result.rejected++;
        m?.rejected.inc({ source: SOURCE_TAG, reason: 'invalid_point' });
      }
    }
    if (lines.length > 0) {
      o.writer.write('main', lines);
      result.points += lines.length;
      m?.points.inc({ source: SOURCE_TAG }, lines.length);
    }
    report();
    // No bars at all: the coin did not trade this far back, older pages would be empty too.
    if (parsed.bars.length === 0) return undefined;
    const next = parsed.timeFrom - step;
    if (next >= toTs) return undefined;
    toTs = next;
  }
  return undefined;
}

async function getWithRetry(
  o: BackfillOptions,
  path: string,
  params: Record<string, string | number>,
  m: ReturnType<typeof backfillMetrics> | undefined,
): Promise<CcAnswer> {
  const sleep = o.sleep ?? defaultSleep;
  const maxRetries = o.maxRetries ?? DEFAULT_MAX_RETRIES;
  let last: CcFailure | undefined;
  for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
    if (o.budgetExhausted?.())
      return { ok: false, type: 'error', message: 'monthly call budget used up', canRetry: false };
    const ans = await o.client.get(path, params);
    if (ans.ok) return ans;
    m?.errors.inc({ type: ans.type });
    last = ans;
    if (!ans.canRetry || attempt > maxRetries || o.signal?.aborted) break;
    const wait =
      ans.type === 'rate_limit' && ans.waitMs !== undefined ? ans.waitMs : backoffMs(attempt, 1000, 30_000);
    if (wait > (o.maxWaitMs ?? DEFAULT_MAX_WAIT_MS)) break;
    await sleep(wait);
  }
  return last!;
}

/** One bar -> one `price` line at the bar's open time. */
export function barLine(pair: Pair, bar: Bar): string {
  return priceLine({
    symbol: pair.symbol,
    quote: pair.quote,
    source: SOURCE_TAG,
    fields: {
      price: bar.open,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volumefrom: bar.volumefrom,
      volumeto: bar.volumeto,
    },
    timeNs: secondsToNs(bar.time),
  });
}
