// NAB-style scoring and benchmarking of streaming detectors. See docs/analytics.md.
export * from './scorer.ts';
export * from './corpus.ts';
export * from './benchmark.ts';
export * from './report.ts';
