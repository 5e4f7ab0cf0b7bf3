export { trendsConfigSchema, type TrendsConfig } from './config.ts';
export {
  TrendEngine,
  type TrendOutput,
  type TrendRow,
  type EmergingRow,
  type ShareRow,
  type ThemeRow,
} from './engine.ts';
export { TrendTracker, TRENDS_STATE_SAVE_MS } from './tracker.ts';
export { engineOptions, durationMs } from './options.ts';
export { TermExtractor } from './terms.ts';
export { stopWordSet } from './stopwords.ts';
export { intervalTag } from './lines.ts';
