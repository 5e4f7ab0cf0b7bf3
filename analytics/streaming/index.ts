// Streaming anomaly detection: one point at a time, past only. See docs/analytics.md.
export {
  type StreamingAnomalyKind,
  type StreamingDetector,
  type StreamingVerdict,
  createStreamingDetector,
  restoreStreamingDetector,
} from './detector.ts';
export { DEFAULT_STREAMING_OPTIONS, type StreamingOptions, resolveStreamingOptions } from './options.ts';
