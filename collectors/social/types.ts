// The contracts between social sources, the scorer, the router and the pipeline.

export type SentimentLabel = 'pos' | 'neg' | 'neu';

export interface SentimentResult {
  /**
   * Polarity in [-1, 1]; rounded to 4 decimals. The learned model gives P(positive) - P(negative);
   * the lexicon scorer a normalised valence sum (0 when nothing in the text carries sentiment).
   */
  score: number;
  /** `pos` when score >= the positive threshold, `neg` when score <= the negative one, else `neu`. */
  label: SentimentLabel;
}

export interface SentimentScorer {
  /** Scores one post or headline. Never throws; any string (empty, huge, odd Unicode) is accepted. */
  score(text: string): SentimentResult;
}

export interface TopicRouter {
  /** Topic names the text belongs to; ['unknown'] when none. */
  route(text: string): string[];
}

/** A post as a source hands it over, before validation. */
export interface RawPost {
  /** The source's own id of the post (X id, Bluesky at-uri rkey, ...). */
  id: string;
  text: string;
  /** Event time: when the post was created, ms since the epoch. */
  createdAtMs: number;
  /** BCP-47 language codes the source reports (X's `lang`, Bluesky's `langs`). */
  langs?: string[];
  authorId?: string;
  isRetweet?: boolean;
}

export type DropReason =
  | 'malformed'
  | 'missing_field'
  | 'not_english'
  | 'retweet'
  | 'too_old'
  | 'duplicate'
  | 'invalid_point'
  | 'too_large'
  | 'no_topic';
