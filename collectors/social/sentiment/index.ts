export { createSentimentScorer, scoreHeadline } from './create.ts';
export { createLexiconScorer } from './scorer.ts';
export { createLearnedScorer, defaultLearnedModel } from './learned.ts';
export {
  DEFAULT_GENERAL_WEIGHT,
  DEFAULT_MAX_CHARS,
  DEFAULT_NEG_THRESHOLD,
  DEFAULT_POS_THRESHOLD,
  DEFAULT_SENTIMENT_MODEL,
  SENTIMENT_MODELS,
} from './options.ts';
export type {
  SentimentLabel,
  SentimentModel,
  SentimentResult,
  SentimentScorer,
  SentimentScorerOptions,
} from './options.ts';
export { CRYPTO_LEXICON } from './lexicon.ts';
export { lastTokensOf, type TokenSource } from './tokenize.ts';
