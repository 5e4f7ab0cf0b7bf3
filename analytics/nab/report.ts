// The benchmark as a Markdown table: normalised score per category and overall, ours beside the
// published detectors, best overall first. A category without windows has no normalised score (—).
import type { NabFile } from './corpus.ts';
import {
  type BenchmarkResult,
  type SweepResult,
  leaveOneCategoryOut,
  normaliseResults,
  summarisePublished,
} from './benchmark.ts';

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '—');

export function benchmarkTable(
  corpus: readonly NabFile[],
  ours: { name: string; result: BenchmarkResult },
  published: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(),
): string {
  const categories = [...ours.result.categories.keys()];
  const rows: { name: string; categories: Map<string, number>; overall: number }[] = [
    { name: `**${ours.name}**`, categories: ours.result.categories, overall: ours.result.overall },
  ];
  for (const [name, byFile] of published) {
    rows.push({ name, ...summarisePublished(corpus, byFile) });
  }
  rows.sort((a, b) => b.overall - a.overall);
  const windows = ours.result.files.reduce((n, f) => n + f.windows, 0);
  const lines = [
    `| detector | ${categories.join(' | ')} | overall |`,
    `| --- | ${categories.map(() => '---:').join(' | ')} | ---: |`,
    ...rows.map(
      (r) =>
        `| ${r.name} | ${categories.map((c) => fmt(r.categories.get(c) ?? Number.NaN)).join(' | ')} | ${fmt(r.overall)} |`,
    ),
  ];
  const flags = ours.result.files.reduce((n, f) => n + f.tp + f.fp, 0);
  const detected = ours.result.files.reduce((n, f) => n + f.detected, 0);
  const falseFlags = ours.result.files.reduce((n, f) => n + f.fp, 0);
  lines.push(
    '',
    `${ours.name}: ${corpus.length} files, ${windows} windows, ${detected} detected, ${flags} flags after probation (${falseFlags} outside every window).`,
  );
  return lines.join('\n');
}

/** Threshold sweep and leave-one-category-out, as Markdown. */
export function sweepTable(sweep: readonly SweepResult[]): string {
  const categories = [...(sweep[0]?.result.categories.keys() ?? [])];
  const lines = [
    `| threshold | ${categories.join(' | ')} | overall |`,
    `| ---: | ${categories.map(() => '---:').join(' | ')} | ---: |`,
    ...sweep.map(
      (s) =>
        `| ${s.threshold} | ${categories.map((c) => fmt(s.result.categories.get(c) ?? Number.NaN)).join(' | ')} | ${fmt(s.result.overall)} |`,
    ),
  ];
  if (sweep.length > 1) {
    const all = leaveOneCategoryOut(sweep);
    const loco = all.filter((r) => Number.isFinite(r.heldOut));
    const overall = normaliseResults(all.flatMap((r) => r.files));
    lines.push(
      '',
      '| held-out category | threshold chosen on the others | held-out score |',
      '| --- | ---: | ---: |',
      ...loco.map((r) => `| ${r.category} | ${r.threshold} | ${fmt(r.heldOut)} |`),
      `| all, each held out in turn | | ${fmt(overall)} |`,
    );
  }
  return lines.join('\n');
}

/** One row per part switched against the default: overall score and its change. */
export function ablationTable(
  baseline: number,
  rows: readonly { part: string; on: boolean; result: BenchmarkResult }[],
): string {
  const lines = [
    '| change to the fixed configuration | detected | false flags | overall | change |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| none (all default parts) | | | ${fmt(baseline)} | |`,
  ];
  for (const r of rows) {
    const detected = r.result.files.reduce((n, f) => n + f.detected, 0);
    const fp = r.result.files.reduce((n, f) => n + f.fp, 0);
    const delta = r.result.overall - baseline;
    lines.push(
      `| ${r.on ? 'add' : 'without'} ${r.part} | ${detected} | ${fp} | ${fmt(r.result.overall)} | ${delta >= 0 ? '+' : ''}${fmt(delta)} |`,
    );
  }
  return lines.join('\n');
}
