import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { haveSharedData, sharedDataPath } from '../../test/helpers/shared-data.ts';
import { loadNabCorpus, readPublishedScores } from './corpus.ts';
import { normalisedScore, probationRows, scaledSigmoid, scoreFile } from './scorer.ts';

describe('NAB scorer rules', () => {
  const windows = [{ left: 200, right: 209 }];
  it('scores a flag at the first row of a window 1 and a missed window -1', () => {
    expect(scoreFile(1000, windows, [200]).score).toBeCloseTo(1, 12);
    expect(scoreFile(1000, windows, []).score).toBe(-1);
    // later flags in the window are free; only the earliest counts
    expect(scoreFile(1000, windows, [205, 209]).score).toBeCloseTo(
      scaledSigmoid(-5 / 10) / scaledSigmoid(-1),
      12,
    );
  });
  it('ignores flags in probation and charges false positives by distance after the window', () => {
    expect(probationRows(1000)).toBe(150);
    expect(probationRows(100_000)).toBe(750);
    expect(scoreFile(1000, windows, [10]).score).toBe(-1);
    expect(scoreFile(1000, windows, [160]).score).toBeCloseTo(-1 - 0.11, 12);
    const near = scoreFile(1000, windows, [200, 210]).score;
    const far = scoreFile(1000, windows, [200, 900]).score;
    expect(near).toBeCloseTo(1 + 0.11 * scaledSigmoid(1 / 9), 12);
    expect(far).toBeCloseTo(1 - 0.11, 12);
  });
  it('normalises 0 for no flag and 100 for perfect flags', () => {
    expect(normalisedScore(-83, 83)).toBe(0);
    expect(normalisedScore(83, 83)).toBe(100);
  });
});

const DEV = sharedDataPath('anomaly-dev');
const haveDev = haveSharedData(
  `${DEV}/published-flags.json`,
  `${DEV}/published-scores.csv`,
  `${DEV}/windows.json`,
);

describe.skipIf(!haveDev)('NAB scorer against the published scores of anomaly-dev', () => {
  it('reproduces every per-file score of the four published flag sets to 1e-9 and their anchors', () => {
    const corpus = loadNabCorpus(`${DEV}/data`, `${DEV}/windows.json`);
    const published = readPublishedScores(`${DEV}/published-scores.csv`);
    const flags = JSON.parse(readFileSync(`${DEV}/published-flags.json`, 'utf8')) as Record<
      string,
      Record<string, string[]>
    >;
    const anchors: Record<string, number> = {
      ARTime: 72.08,
      contextOSE: 68.08,
      numenta: 70.93,
      twitterADVec: 42.07,
    };
    const windows = corpus.reduce((n, f) => n + f.windows.length, 0);
    expect(windows).toBe(83);
    for (const [detector, byFile] of Object.entries(flags)) {
      let total = 0;
      let worst = 0;
      for (const file of corpus) {
        const rowOf = new Map(file.timestamps.map((t, i) => [t, i]));
        const rows = (byFile[file.key] ?? []).map((t) => {
          const i = rowOf.get(t);
          if (i === undefined) throw new Error(`${detector} ${file.key}: flag ${t} is no row`);
          return i;
        });
        const got = scoreFile(file.values.length, file.windows, rows).score;
        const want = published.get(detector)?.get(file.key);
        expect(want, `${detector} ${file.key}`).toBeDefined();
        worst = Math.max(worst, Math.abs(got - (want as number)));
        total += got;
      }
      expect(worst, detector).toBeLessThan(1e-9);
      expect(normalisedScore(total, windows).toFixed(2), detector).toBe(anchors[detector]?.toFixed(2));
    }
  });
});
