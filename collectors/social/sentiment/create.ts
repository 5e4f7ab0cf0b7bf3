/**
 * The one entry point for a sentiment scorer: picks the model (`lexicon`, `learned`, `blend`) and
 * validates options at start, naming the key.
 */
import { createLearnedScorer } from './learned.ts';
import { DEFAULT_SENTIMENT_MODEL, SENTIMENT_MODELS } from './options.ts';
import type { SentimentResult, SentimentScorer, SentimentScorerOptions } from './options.ts';
import { createLexiconScorer, validateLexiconOptions } from './scorer.ts';

/**
 * Builds a scorer for `opts.model` (default {@link DEFAULT_SENTIMENT_MODEL}). The learned model is
 * read once per process. Throws RangeError on invalid options; `score()` never throws.
 */
export function createSentimentScorer(opts: SentimentScorerOptions = {}): SentimentScorer {
  const model = opts.model ?? DEFAULT_SENTIMENT_MODEL;
  if (!SENTIMENT_MODELS.includes(model)) {
    throw new RangeError(
      `[sentiment] model must be one of ${SENTIMENT_MODELS.join(', ')}, got ${String(model)}`,
    );
  }
  validateLexiconOptions(opts);
  if (model === 'lexicon') return createLexiconScorer(opts);
  for (const key of ['generalWeight', 'extraLexicon'] as const) {
    if (opts[key] !== undefined) {
      throw new RangeError(`[sentiment] ${key} applies to model lexicon only, not ${model}`);
    }
  }
  return createLearnedScorer({ ...opts, blend: model === 'blend' });
}

let headlineScorer: SentimentScorer | undefined;

/**
 * Scores a news headline exactly as a post is scored with default options. Deterministic and
 * side-effect free (apart from building the shared default scorer on first use).
 */
export function scoreHeadline(headline: string): SentimentResult {
  headlineScorer ??= createSentimentScorer();
  return headlineScorer.score(headline);
}
