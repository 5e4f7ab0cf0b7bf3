// Scoring reported anomalies against planted ones (the simulator's `plantedTruth`). Pure.
//
// The hit rule the simulator checks use (test/soak/analytics-simulate.test.ts for S-H-ESD and
// streaming, bench/streaming-simulate.ts offline): a reported anomaly is a hit on a planted one when it
// names the planted anomaly's topic or coin and its time (the start of its bucket) lies within one
// bucket of the planted span, i.e. in [startMs - bucketMs, endMs + bucketMs).

/** What the hit rule needs of a planted anomaly (a `PlantedAnomaly` fits). */
export interface PlantedSpan {
  topic: string;
  symbol?: string;
  startMs: number;
  /** End of the last affected bucket (exclusive). */
  endMs: number;
}

/** What the hit rule needs of a reported anomaly. */
export interface ReportedAt {
  /** Start of the flagged bucket, epoch ms. */
  timeMs: number;
  /** The topic or coin symbol it names. */
  target: string | undefined;
}

/** True when `a` names `p`'s topic or coin within one bucket of `p`'s span. */
export function plantedHit(a: ReportedAt, p: PlantedSpan, bucketMs: number): boolean {
  const t = a.target;
  return (
    t !== undefined &&
    (t === p.topic || t === p.symbol) &&
    a.timeMs >= p.startMs - bucketMs &&
    a.timeMs < p.endMs + bucketMs
  );
}

export interface PlantedScore<R, P> {
  /** Planted anomalies with at least one hit. */
  found: P[];
  /** Planted anomalies without a hit. */
  missed: P[];
  /** Reported anomalies that hit some planted one. */
  correct: R[];
  /** Reported anomalies that hit none (false flags). */
  wrong: R[];
  /** found / planted (NaN without planted anomalies). */
  recall: number;
  /** correct / reported (NaN without reported anomalies). */
  precision: number;
}

/** Recall and precision of `reported` against `planted` under the hit rule; `at` reads a report. */
export function scorePlanted<R, P extends PlantedSpan>(
  reported: readonly R[],
  planted: readonly P[],
  bucketMs: number,
  at: (r: R) => ReportedAt,
): PlantedScore<R, P> {
  const marks = reported.map(at);
  const found: P[] = [];
  const missed: P[] = [];
  for (const p of planted) (marks.some((a) => plantedHit(a, p, bucketMs)) ? found : missed).push(p);
  const correct: R[] = [];
  const wrong: R[] = [];
  reported.forEach((r, i) => {
    (planted.some((p) => plantedHit(marks[i]!, p, bucketMs)) ? correct : wrong).push(r);
  });
  return {
    found,
    missed,
    correct,
    wrong,
    recall: planted.length ? found.length / planted.length : NaN,
    precision: reported.length ? correct.length / reported.length : NaN,
  };
}
