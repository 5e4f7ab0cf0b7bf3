import { describe, expect, it } from 'vitest';
import { MAD_CONSTANT, mad, median, medianInPlace, quantileType7, selectInPlace } from './descriptive.ts';

describe('order statistics with R conventions', () => {
  it('median averages the two middle values of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('mad is 1.4826 times the median absolute deviation (R: mad(c(1,2,3,4,100)) = 1.4826)', () => {
    expect(MAD_CONSTANT).toBe(1.4826);
    expect(mad([1, 2, 3, 4, 100])).toBe(1.4826);
    expect(mad([1, 2, 3, 4])).toBeCloseTo(1.4826, 15);
  });

  it('quantile type 7 interpolates (R: quantile(c(1,2,3,4,10), 0.95) = 8.8)', () => {
    expect(quantileType7([10, 2, 4, 1, 3], 0.95)).toBeCloseTo(8.8, 12);
    expect(quantileType7([7], 0.99)).toBe(7);
    expect(() => quantileType7([1, 2], 1.5)).toThrow(RangeError);
  });

  it('selection agrees with sorting on ties, sorted and reversed input', () => {
    const inputs = [
      Array.from({ length: 101 }, (_, i) => (i * 37) % 11),
      Array.from({ length: 100 }, (_, i) => i),
      Array.from({ length: 100 }, (_, i) => 100 - i),
    ];
    for (const input of inputs) {
      const sorted = [...input].sort((a, b) => a - b);
      for (const k of [0, 17, input.length >> 1, input.length - 1]) {
        expect(selectInPlace(Float64Array.from(input), k)).toBe(sorted[k]);
      }
      const half = input.length >> 1;
      const expected =
        input.length % 2 ? sorted[half] : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
      expect(medianInPlace(Float64Array.from(input))).toBe(expected);
    }
  });
});
