// Series on one regular grid of buckets, and the signals the jobs correlate. Pure.
//
// Missing buckets: `social` rollups are written only for intervals that had posts, so a missing social
// bucket counts 0 posts, but only between the first and the last bucket where any topic has data
// (before that nothing was collected yet, after it the newest rollups have not arrived): outside that
// span every social value is NaN. A missing price bucket is NaN and so are the returns that need it.

export interface TopicSeries {
  count: Float64Array;
  pos: Float64Array;
  neg: Float64Array;
  scoreSum: Float64Array;
}

export interface AlignedSeries {
  /** Time of bucket 0 (its start), epoch ms. */
  startMs: number;
  bucketMs: number;
  length: number;
  topics: Map<string, TopicSeries>;
  /** Last price per bucket, by symbol. */
  prices: Map<string, Float64Array>;
}

export function emptyTopicSeries(length: number): TopicSeries {
  return {
    count: new Float64Array(length).fill(NaN),
    pos: new Float64Array(length).fill(NaN),
    neg: new Float64Array(length).fill(NaN),
    scoreSum: new Float64Array(length).fill(NaN),
  };
}

/** Fills missing social buckets with 0 inside the span where any topic has data (see above). */
export function fillSocialGaps(topics: Map<string, TopicSeries>, length: number): void {
  let first = length;
  let last = -1;
  for (const t of topics.values()) {
    for (let i = 0; i < length; i++) {
      if (Number.isFinite(t.count[i] as number)) {
        if (i < first) first = i;
        if (i > last) last = i;
      }
    }
  }
  for (const t of topics.values()) {
    for (const a of [t.count, t.pos, t.neg, t.scoreSum]) {
      for (let i = first; i <= last; i++) if (!Number.isFinite(a[i] as number)) a[i] = 0;
    }
  }
}

/** Change of post volume: log(count[t] + 1) - log(count[t-1] + 1); +1 keeps empty buckets finite. */
export function volumeChange(count: Float64Array): Float64Array {
  const out = new Float64Array(count.length).fill(NaN);
  for (let i = 1; i < count.length; i++)
    out[i] = Math.log1p(count[i] as number) - Math.log1p(count[i - 1] as number);
  return out;
}

/** Mean sentiment: sum(score_sum) / sum(count); NaN in a bucket without posts. */
export function meanSentiment(t: TopicSeries): Float64Array {
  return Float64Array.from(t.count, (c, i) => (c > 0 ? (t.scoreSum[i] as number) / c : NaN));
}

/** Net sentiment: (pos - neg) / count; NaN in a bucket without posts. */
export function netSentiment(t: TopicSeries): Float64Array {
  return Float64Array.from(t.count, (c, i) =>
    c > 0 ? ((t.pos[i] as number) - (t.neg[i] as number)) / c : NaN,
  );
}

/** Log returns: log(p[t] / p[t-1]); NaN where either price is missing or not positive. */
export function logReturns(price: Float64Array): Float64Array {
  const out = new Float64Array(price.length).fill(NaN);
  for (let i = 1; i < price.length; i++) {
    const a = price[i - 1] as number;
    const b = price[i] as number;
    if (a > 0 && b > 0) out[i] = Math.log(b / a);
  }
  return out;
}

export function signalOf(t: TopicSeries, signal: 'volume' | 'sentiment' | 'net'): Float64Array {
  if (signal === 'volume') return volumeChange(t.count);
  if (signal === 'sentiment') return meanSentiment(t);
  return netSentiment(t);
}
