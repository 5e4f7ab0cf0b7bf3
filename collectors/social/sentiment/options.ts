/**
 * Public types and defaults of the sentiment scorer. Every option has a DEFAULT_ constant that
 * `options.test.ts` pins, so a change of behaviour is a visible change of a test.
 */

// The result types are the social pipeline's contract, defined once in ../types.ts.
export type { SentimentLabel, SentimentResult, SentimentScorer } from '../types.ts';

/** `lexicon`: the hand-built lexicon scorer; `learned`: the trained model; `blend`: their weighted mean. */
export type SentimentModel = 'lexicon' | 'learned' | 'blend';
export const SENTIMENT_MODELS: readonly SentimentModel[] = ['lexicon', 'learned', 'blend'];

export interface SentimentScorerOptions {
  /** Which scorer. Default {@link DEFAULT_SENTIMENT_MODEL}. */
  model?: SentimentModel;
  /**
   * Lowest score labelled `pos` (inclusive), in (0, 1]. Default {@link DEFAULT_POS_THRESHOLD} for the
   * lexicon; the learned model and the blend use the band stored in the model file.
   */
  posThreshold?: number;
  /** Highest score labelled `neg` (inclusive), in [-1, 0). Default as for `posThreshold`. */
  negThreshold?: number;
  /** Characters scored per text; the rest is ignored. Default {@link DEFAULT_MAX_CHARS}. */
  maxChars?: number;
  /**
   * Weight of wink-nlp's general English lexicon against the crypto lexicon, in [0, 1]. 0 scores
   * with the crypto layer alone. Default {@link DEFAULT_GENERAL_WEIGHT}. Lexicon model only: the
   * learned model's lexicon features are those it was trained on.
   */
  generalWeight?: number;
  /**
   * Extra terms (one word, a phrase of space-separated words, or an emoji) with a valence in
   * [-4, 4]; they override both built-in lexicons. 0 makes a term neutral. Lexicon model only.
   */
  extraLexicon?: Readonly<Record<string, number>>;
}

/**
 * The model the pipeline, the news collector and `cryptocrawler sentiment` use: the one that measured
 * best in 5-fold cross-validation on the training data (docs/sentiment.md, "Results").
 */
export const DEFAULT_SENTIMENT_MODEL: SentimentModel = 'learned';

/** A single moderate term (valence about 1 on the [-4, 4] scale) is enough for a label. */
export const DEFAULT_POS_THRESHOLD = 0.2;
export const DEFAULT_NEG_THRESHOLD = -0.2;
/** Tweets are at most a few thousand characters; anything longer is truncated, not rejected. */
export const DEFAULT_MAX_CHARS = 10_000;
/** General English words are less reliable in market talk than trader vocabulary. */
export const DEFAULT_GENERAL_WEIGHT = 0.75;

/** Valence multiplier of a term in the scope of a negator ("not bullish"); VADER uses -0.74. */
export const NEGATION_SCALAR = -0.75;
/** A negator flips the next this many words, within its clause. */
export const NEGATION_WINDOW_WORDS = 3;
/** Multiplier for a term right after an intensifier ("very bullish"). */
export const BOOSTER_SCALAR = 1.3;
/** Multiplier for a term right after a downtoner ("slightly bearish"). */
export const DAMPENER_SCALAR = 0.6;
/** Multiplier for a term written in capitals in a text that is not mostly capitals ("CRASHING"). */
export const CAPS_SCALAR = 1.25;
/** Terms in a sentence that ends with '?' count this much ("will it crash?" hedges). */
export const QUESTION_SCALAR = 0.5;
/** Sentiment before a contrastive "but" counts half, after it one and a half (as VADER). */
export const BUT_BEFORE_SCALAR = 0.5;
export const BUT_AFTER_SCALAR = 1.5;
/** Each '!' (up to 3) adds this much to the raw sum, in the direction of its sign. */
export const EXCLAMATION_BOOST = 0.25;
export const EXCLAMATION_MAX = 3;
/** Raw sum s maps to s / sqrt(s^2 + alpha); VADER's alpha. */
export const NORMALIZATION_ALPHA = 15;
/** Valence of "up 12%", "+12%" and the negative counterparts. */
export const PRICE_MOVE_VALENCE = 1.5;
