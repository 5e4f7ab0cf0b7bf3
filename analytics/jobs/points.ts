// Line protocol for the analytics results (main bucket). Tag values are bounded sets: symbols,
// topics, signal names, window labels, lag in minutes. Example lines:
//   correlation,method=pearson,signal=volume,symbol=BTC,topic=bitcoin,window=1h r=0.31,n=60i,p_value=0.015,ci_low=0.06,ci_high=0.52 1717171200000000000
//   lag,signal=volume,symbol=BTC,topic=bitcoin lag_seconds=300i,r=0.42,n=1435i,band=0.0517,significant=true 1717171200000000000
//   xcorr,lag_minutes=5,signal=volume,symbol=BTC,topic=bitcoin r=0.42 1717171200000000000
//   granger,direction=social_to_price,signal=volume,symbol=BTC,topic=bitcoin f=12.1,p_value=1e-9,df_num=5i,df_den=1424i,lags=5i,significant=true 1717171200000000000
//   anomaly,direction=pos,method=shesd,series=volume,topic=bitcoin value=412,expected=129,score=9.8,text="bitcoin post volume 3.2x expected (412 vs 129 posts/min)" 1717171200000000000
//   anomaly,direction=pos,method=streaming,series=volume,topic=bitcoin value=412,expected=129,score=0.97,kind="spike",onset=true,text="..." 1717171200000000000
import { msToNs, toLine } from '../../src/core/write/line.ts';
import type { CorrelationEstimate, GrangerOk } from '../math/index.ts';
import type { Signal } from './options.ts';

export const GRANGER_ALPHA = 0.05;

export interface PairTags {
  symbol: string;
  topic: string;
  signal: Signal;
}

export function correlationLine(
  tags: PairTags,
  window: string,
  method: 'pearson' | 'spearman',
  c: CorrelationEstimate,
  timeMs: number,
): string {
  return toLine({
    measurement: 'correlation',
    tags: { ...tags, window, method },
    fields: { r: c.r, n: { int: c.n }, p_value: c.pValue, ci_low: c.ciLow, ci_high: c.ciHigh },
    timeNs: msToNs(timeMs),
  });
}

export function lagLine(
  tags: PairTags,
  v: { lagSeconds: number; r: number; n: number; band: number; significant: boolean },
  timeMs: number,
): string {
  return toLine({
    measurement: 'lag',
    tags: { ...tags },
    fields: {
      lag_seconds: { int: v.lagSeconds },
      r: v.r,
      n: { int: v.n },
      band: v.band,
      significant: v.significant,
    },
    timeNs: msToNs(timeMs),
  });
}

export function xcorrLine(tags: PairTags, lagMinutes: number, r: number, timeMs: number): string {
  return toLine({
    measurement: 'xcorr',
    tags: { ...tags, lag_minutes: String(lagMinutes) },
    fields: { r },
    timeNs: msToNs(timeMs),
  });
}

export type GrangerDirection = 'social_to_price' | 'price_to_social';

export function grangerLine(
  tags: PairTags,
  direction: GrangerDirection,
  g: GrangerOk,
  timeMs: number,
): string {
  return toLine({
    measurement: 'granger',
    tags: { ...tags, direction },
    fields: {
      f: g.f,
      p_value: g.pValue,
      df_num: { int: g.df1 },
      df_den: { int: g.df2 },
      lags: { int: g.lagOrder },
      significant: g.pValue < GRANGER_ALPHA,
    },
    timeNs: msToNs(timeMs),
  });
}

/** S-H-ESD watches volume, negative_posts and returns; the streaming job also mean sentiment. */
export type AnomalySeries = 'volume' | 'negative_posts' | 'sentiment' | 'returns';

export interface AnomalyPoint {
  series: AnomalySeries;
  /** topic for social series, symbol for returns. */
  key: string;
  timeMs: number;
  value: number;
  expected: number;
  /** Robust z: (value - expected) / MAD of the residuals; undefined when the MAD is 0. */
  score: number | undefined;
}

export function anomalyText(a: AnomalyPoint, bucketSeconds: number): string {
  const per = bucketSeconds === 60 ? 'min' : `${bucketSeconds}s`;
  const round = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));
  if (a.series === 'returns') {
    const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
    const word = a.value > a.expected ? 'jump' : 'drop';
    return `${a.key} price ${word}: ${pct(Math.expm1(a.value))} in ${per === 'min' ? '1 min' : per} (expected ${pct(Math.expm1(a.expected))})`;
  }
  if (a.series === 'sentiment') {
    const dir = a.value >= a.expected ? 'above' : 'below';
    return `${a.key} mean sentiment ${a.value.toFixed(2)} ${dir} an expected ${a.expected.toFixed(2)} (per ${per})`;
  }
  const what = a.series === 'volume' ? 'post volume' : 'negative posts';
  const unit = a.series === 'volume' ? `posts/${per}` : `per ${per}`;
  const ratio = a.expected > 0 ? `${(a.value / a.expected).toFixed(1)}x expected` : 'above an expected 0';
  return `${a.key} ${what} ${ratio} (${round(a.value)} vs ${round(a.expected)} ${unit})`;
}

export function anomalyLine(a: AnomalyPoint, bucketSeconds: number): string {
  return toLine({
    measurement: 'anomaly',
    tags: {
      series: a.series,
      ...(a.series === 'returns' ? { symbol: a.key } : { topic: a.key }),
      direction: a.value >= a.expected ? 'pos' : 'neg',
      method: 'shesd',
    },
    fields: { value: a.value, expected: a.expected, score: a.score, text: anomalyText(a, bucketSeconds) },
    timeNs: msToNs(a.timeMs),
  });
}

export type StreamingKind = 'spike' | 'dip' | 'level_shift' | 'variance_change' | 'flatline';

/**
 * A flag of the streaming detector: the same measurement and tags as S-H-ESD's (method=streaming), so
 * annotations and reports read both; score is the detector's in [0, 1] (not a robust z), kind what it
 * saw, onset true on the first flagged bucket of an episode (alerts notify once per episode).
 */
export function streamingAnomalyLine(
  a: AnomalyPoint & { score: number; kind: StreamingKind | null; onset: boolean },
  bucketSeconds: number,
): string {
  return toLine({
    measurement: 'anomaly',
    tags: {
      series: a.series,
      ...(a.series === 'returns' ? { symbol: a.key } : { topic: a.key }),
      direction: a.value >= a.expected ? 'pos' : 'neg',
      method: 'streaming',
    },
    fields: {
      value: a.value,
      expected: a.expected,
      score: a.score,
      kind: a.kind ?? 'unknown',
      onset: a.onset,
      text: anomalyText(a, bucketSeconds),
    },
    timeNs: msToNs(a.timeMs),
  });
}
