// Offline analysis of CSV series, for the `cryptocrawler anomalies` and `correlate` commands.
export {
  type ParsedSeries,
  type SeriesCsvOptions,
  type SeriesCsvReport,
  type SeriesPoint,
  parseSeriesCsv,
} from './series-csv.ts';
export { type AnomalyRow, type RunAnomaliesOptions, runAnomalies } from './anomalies.ts';
export { type StreamingAnomalyRow, runStreamingAnomalies } from './streaming-anomalies.ts';
export { type CorrelateOutput, type RunCorrelateOptions, runCorrelate } from './correlate.ts';
