// Correlation, lag and Granger for every (topic, coin) pair and signal at one evaluation time. Pure:
// the same series and end index always give the same lines, which makes re-runs idempotent.
import { crossCorrelation, grangerBothWays, pearson, spearman } from '../math/index.ts';
import { type JobOptions, SIGNALS, type Signal } from './options.ts';
import { correlationLine, grangerLine, lagLine, type PairTags, xcorrLine } from './points.ts';
import { type AlignedSeries, logReturns, signalOf } from './series.ts';

export type JobName = 'correlation' | 'lag' | 'granger' | 'anomalies';

export interface Skip {
  job: JobName;
  reason: string;
}

export interface JobLines {
  job: JobName;
  lines: string[];
}

/** Signals per pair, computed once per run and sliced per evaluation time. */
export interface PairSignals {
  tags: PairTags;
  social: Float64Array;
  returns: Float64Array;
}

export function pairSignals(series: AlignedSeries, o: JobOptions): { pairs: PairSignals[]; skipped: Skip[] } {
  const pairs: PairSignals[] = [];
  const skipped: Skip[] = [];
  const returnsBySymbol = new Map<string, Float64Array>();
  for (const pair of o.pairs) {
    const topic = series.topics.get(pair.topic);
    const price = series.prices.get(pair.symbol);
    if (!topic || !price) {
      for (const job of ['correlation', 'lag', 'granger'] as const) skipped.push({ job, reason: 'no_data' });
      continue;
    }
    let returns = returnsBySymbol.get(pair.symbol);
    if (!returns) returnsBySymbol.set(pair.symbol, (returns = logReturns(price)));
    for (const signal of SIGNALS) {
      pairs.push({
        tags: { symbol: pair.symbol, topic: pair.topic, signal },
        social: signalOf(topic, signal as Signal),
        returns,
      });
    }
  }
  return { pairs, skipped };
}

/** Evaluates every pair at `endIndex` (exclusive): points carry the time of that bucket boundary. */
export function evaluatePairsAt(
  series: AlignedSeries,
  pairs: readonly PairSignals[],
  endIndex: number,
  o: JobOptions,
  withCurve = true,
): { out: JobLines[]; skipped: Skip[]; ms: Record<'correlation' | 'lag' | 'granger', number> } {
  const ms = { correlation: 0, lag: 0, granger: 0 };
  let mark = performance.now();
  const lap = (job: keyof typeof ms): void => {
    const now = performance.now();
    ms[job] += now - mark;
    mark = now;
  };
  const timeMs = series.startMs + endIndex * series.bucketMs;
  const minPoints = Math.max(o.minPoints, 4);
  const corr: string[] = [];
  const lag: string[] = [];
  const granger: string[] = [];
  const skipped: Skip[] = [];
  const lagStart = Math.max(0, endIndex - o.lookbackBuckets);
  for (const p of pairs) {
    for (const w of o.windows) {
      const from = Math.max(0, endIndex - w.buckets);
      const s = p.social.subarray(from, endIndex);
      const r = p.returns.subarray(from, endIndex);
      for (const [method, fn] of [
        ['pearson', pearson],
        ['spearman', spearman],
      ] as const) {
        const c = fn(s, r, { minPoints });
        if (c.kind === 'ok') corr.push(correlationLine(p.tags, w.label, method, c, timeMs));
        else skipped.push({ job: 'correlation', reason: c.reason });
      }
    }
    lap('correlation');

    const s = p.social.subarray(lagStart, endIndex);
    const r = p.returns.subarray(lagStart, endIndex);
    const maxLag = Math.min(o.maxLagBuckets, Math.max(0, s.length - minPoints));
    const x = crossCorrelation(s, r, maxLag, { minPoints });
    if (x.bestLag === null || x.bestR === null || x.band === null)
      skipped.push({ job: 'lag', reason: 'too_few_points' });
    else {
      lag.push(
        lagLine(
          p.tags,
          {
            lagSeconds: x.bestLag * o.bucketSeconds,
            r: x.bestR,
            n: x.bestN,
            band: x.band,
            significant: x.significant,
          },
          timeMs,
        ),
      );
      if (withCurve) {
        for (const point of x.curve) {
          if (point.r !== null)
            lag.push(xcorrLine(p.tags, (point.lag * o.bucketSeconds) / 60, point.r, timeMs));
        }
      }
    }
    lap('lag');

    const g = grangerBothWays(s, r, { lagOrder: o.grangerLags });
    for (const [direction, result] of [
      ['social_to_price', g.aToB],
      ['price_to_social', g.bToA],
    ] as const) {
      if (result.kind === 'ok') granger.push(grangerLine(p.tags, direction, result, timeMs));
      else skipped.push({ job: 'granger', reason: result.reason });
    }
    lap('granger');
  }
  return {
    ms,
    out: [
      { job: 'correlation', lines: corr },
      { job: 'lag', lines: lag },
      { job: 'granger', lines: granger },
    ],
    skipped,
  };
}
