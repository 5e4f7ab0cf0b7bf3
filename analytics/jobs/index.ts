// Analytics jobs: read `social` and `price` with Flux, compute correlation, lag, Granger and
// anomalies with ../math, write the results as points. See README.md for the measurements.
export { type JobOptions, type Pair, type Signal, SIGNALS, jobOptionsFromConfig } from './options.ts';
export { type AlignedSeries, volumeChange, meanSentiment, netSentiment, logReturns } from './series.ts';
export { readAlignedSeries, type ReadStats } from './read.ts';
export { socialQuery, priceQuery } from './flux.ts';
export { type RunRangeOptions, type RunSummary, planRange, runAnalyticsRange } from './run.ts';
export { type EsdRunner, WorkerEsdRunner, inProcessEsd } from './esd-runner.ts';
export { type AnalyticsMetrics, type RunOutcome, analyticsMetrics } from './metrics.ts';
export { anomalyText, type AnomalyPoint } from './points.ts';
export {
  type LatestCorrelation,
  type LatestLag,
  type RecentAnomaly,
  readLatestCorrelations,
  readLatestLags,
  readRecentAnomalies,
} from './latest.ts';
export {
  StreamingJob,
  type StreamingRunSummary,
  type StreamingSettings,
  streamingMetrics,
  streamingSettingsFromConfig,
} from './streaming.ts';
export { StreamingDetectors, type StreamingFlag, bucketValues, streamingSeries } from './streaming-state.ts';
