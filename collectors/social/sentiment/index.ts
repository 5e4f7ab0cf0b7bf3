export { createSentimentScorer, scoreHeadline } from './scorer.ts';
export {
  DEFAULT_GENERAL_WEIGHT,
  DEFAULT_MAX_CHARS,
  DEFAULT_NEG_THRESHOLD,
  DEFAULT_POS_THRESHOLD,
} from './options.ts';
export type { SentimentLabel, SentimentResult, SentimentScorer, SentimentScorerOptions } from './options.ts';
export { CRYPTO_LEXICON } from './lexicon.ts';
