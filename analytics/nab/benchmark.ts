// Runs a streaming detector over a NAB corpus and scores its flags: per file, per category and
// overall, normalised. A detector sees each file once, in time order, from a fresh state.
import type { NabFile } from './corpus.ts';
import { type FileScore, normalisedScore, scoreFile } from './scorer.ts';

export interface FlaggingDetector {
  update(timeMs: number, value: number): { score: number; flag: boolean };
}

export interface FileResult extends FileScore {
  key: string;
  category: string;
  flags: number[];
}

export interface BenchmarkResult {
  files: FileResult[];
  /** Normalised score per category and over all files. */
  categories: Map<string, number>;
  overall: number;
}

export function runOnFile(file: NabFile, detector: FlaggingDetector): FileResult {
  const flags: number[] = [];
  const n = file.values.length;
  for (let i = 0; i < n; i++) {
    if (detector.update(file.timesMs[i] as number, file.values[i] as number).flag) flags.push(i);
  }
  return { key: file.key, category: file.category, flags, ...scoreFile(n, file.windows, flags) };
}

/** Normalised score of a set of per-file results (windows counted from the results). */
export function normaliseResults(results: readonly FileScore[]): number {
  const total = results.reduce((s, r) => s + r.score, 0);
  const windows = results.reduce((s, r) => s + r.windows, 0);
  return windows === 0 ? Number.NaN : normalisedScore(total, windows);
}

export function summarise(files: FileResult[]): BenchmarkResult {
  const categories = new Map<string, number>();
  for (const category of [...new Set(files.map((f) => f.category))]) {
    categories.set(category, normaliseResults(files.filter((f) => f.category === category)));
  }
  return { files, categories, overall: normaliseResults(files) };
}

export function runBenchmark(corpus: readonly NabFile[], create: () => FlaggingDetector): BenchmarkResult {
  return summarise(corpus.map((file) => runOnFile(file, create())));
}

/** Published per-file scores summarised the same way (files missing from them score as no flag). */
export function summarisePublished(
  corpus: readonly NabFile[],
  byFile: ReadonlyMap<string, number>,
): { categories: Map<string, number>; overall: number } {
  const files = corpus.map((f) => ({
    key: f.key,
    category: f.category,
    flags: [],
    score: byFile.get(f.key) ?? -f.windows.length,
    tp: 0,
    fp: 0,
    fn: 0,
    windows: f.windows.length,
    detected: 0,
  }));
  const { categories, overall } = summarise(files);
  return { categories, overall };
}

export interface SweepResult {
  threshold: number;
  result: BenchmarkResult;
}

/** One run per threshold (flags depend on it through suppression). */
export function sweepThresholds(
  corpus: readonly NabFile[],
  thresholds: readonly number[],
  create: (threshold: number) => FlaggingDetector,
): SweepResult[] {
  return thresholds.map((threshold) => ({
    threshold,
    result: runBenchmark(corpus, () => create(threshold)),
  }));
}

/**
 * Leave-one-category-out: for each category, the threshold that scores best on the other
 * categories, and the held-out category's score at that threshold. An honest estimate of how the
 * one threshold carries to series of a kind never seen.
 */
export function leaveOneCategoryOut(
  sweep: readonly SweepResult[],
): { category: string; threshold: number; heldOut: number; files: FileResult[] }[] {
  const categories = [...new Set(sweep[0]?.result.files.map((f) => f.category) ?? [])];
  return categories.map((category) => {
    let best: SweepResult | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const s of sweep) {
      const score = normaliseResults(s.result.files.filter((f) => f.category !== category));
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    const chosen = best as SweepResult;
    const files = chosen.result.files.filter((f) => f.category === category);
    return { category, threshold: chosen.threshold, heldOut: normaliseResults(files), files };
  });
}
