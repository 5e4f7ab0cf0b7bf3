import { describe, expect, it } from 'vitest';
import { bandLabel, bestThreshold, labelMetrics, reliabilityTable } from './metrics.ts';
import type { SentimentLabel } from './options.ts';

describe('labelMetrics', () => {
  it('computes accuracy, per-class F1, macro-F1 and the confusion matrix', () => {
    const truth: SentimentLabel[] = ['pos', 'pos', 'neg', 'neg', 'neu', 'neu'];
    const pred: SentimentLabel[] = ['pos', 'neu', 'neg', 'pos', 'neu', 'neu'];
    const m = labelMetrics(truth, pred);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // pos: P 1/2, R 1/2 -> 0.5; neg: P 1, R 1/2 -> 2/3; neu: P 2/3, R 1 -> 0.8
    expect(m.f1.pos).toBeCloseTo(0.5, 12);
    expect(m.f1.neg).toBeCloseTo(2 / 3, 12);
    expect(m.f1.neu).toBeCloseTo(0.8, 12);
    expect(m.macroF1).toBeCloseTo((0.5 + 2 / 3 + 0.8) / 3, 12);
    expect(m.confusion.neg.pos).toBe(1);
    expect(m.confusion.pos.neu).toBe(1);
  });

  it('a class never predicted nor present has F1 0, not NaN', () => {
    const m = labelMetrics(['pos'], ['pos']);
    expect(m.f1.neg).toBe(0);
    expect(m.accuracy).toBe(1);
  });
});

describe('neutral band', () => {
  it('labels inclusively at the band edges', () => {
    expect(bandLabel(0.3, 0.3)).toBe('pos');
    expect(bandLabel(-0.3, 0.3)).toBe('neg');
    expect(bandLabel(0.29, 0.3)).toBe('neu');
  });

  it('picks the band with the best macro-F1, the first of equals', () => {
    const scores = [0.9, 0.5, 0.1, -0.1, -0.5, -0.9];
    const truth: SentimentLabel[] = ['pos', 'pos', 'neu', 'neu', 'neg', 'neg'];
    expect(bestThreshold(scores, truth, [0.05, 0.2, 0.4, 0.6])).toEqual({ threshold: 0.2, macroF1: 1 });
  });
});

describe('reliabilityTable', () => {
  it('a score equal to P(pos) - P(neg) of its bin has zero calibration error', () => {
    // Bin around 0.5: half pos, half neu -> observed 0.5.
    const scores = [0.5, 0.5, -0.5, -0.5];
    const truth: SentimentLabel[] = ['pos', 'neu', 'neg', 'neu'];
    const t = reliabilityTable(scores, truth, 4);
    expect(t.error).toBeCloseTo(0, 12);
    expect(t.bins.map((b) => b.n)).toEqual([0, 2, 0, 2]);
  });

  it('an overconfident score shows its gap', () => {
    const t = reliabilityTable([1, 1], ['pos', 'neu'], 10);
    expect(t.bins[9]).toMatchObject({ n: 2, meanScore: 1, observed: 0.5 });
    expect(t.error).toBeCloseTo(0.5, 12);
  });
});
