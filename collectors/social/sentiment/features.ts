/**
 * Features of the learned sentiment model, shared by training (`train.ts`) and scoring
 * (`learned.ts`) so the two can never disagree. One tokenizing pass (`tokenize.ts`) feeds:
 *
 * - hashed word unigrams and bigrams; a word within NEGATION_WINDOW_WORDS after a negator, in its
 *   clause, is a different feature ("not bullish" -> NEG:bullish), as in the lexicon scorer;
 * - hashed character n-grams of words (with '<' '>' boundaries), so spellings the training data never
 *   showed ("rekkt", "moooon", "bagholders") share weight with those it did;
 * - normalised tokens: cashtags, mentions and URLs are placeholders (a ticker is no opinion), numbers
 *   keep only their shape ("+5%" -> <+pct>, "-8%" -> <-pct>), emoji and emoticons are themselves;
 * - dense features: the lexicon scorer's score with and without wink's general lexicon, their
 *   threshold crossings, questions, exclamations, cashtags, URLs, price moves, capitals, negators.
 *
 * Hashing (the "hashing trick") keeps the model a fixed size with no vocabulary file: FNV-1a over
 * the UTF-16 code units, a 32-bit finaliser, the low bits pick the row and bit 31 the sign (signed
 * hashing makes collisions cancel on average instead of piling up).
 */
import { NEGATION_WINDOW_WORDS } from './options.ts';
import { learnedFeatureLexicon, lexiconScoreOfResolved, resolveTokens } from './scorer.ts';
import type { TokenEntry } from './scorer.ts';
import {
  T_BANG,
  T_CASHTAG,
  T_CLAUSE,
  T_EMOJI,
  T_EMOTICON,
  T_HASHTAG,
  T_MENTION,
  T_NUMBER,
  T_QUESTION,
  T_STOP,
  T_URL,
  T_WORD,
  tokenize,
} from './tokenize.ts';
import type { TokenBuffer } from './tokenize.ts';

/** Bumped whenever extraction changes: a model trained on other features is refused at load. */
export const FEATURES_VERSION = 1;

export interface FeatureConfig {
  /** Hashed rows = 2^hashBits. */
  hashBits: number;
  /** Character n-gram lengths, inclusive; [0, 0] for none. */
  charNgramMin: number;
  charNgramMax: number;
}

/** A representative setting for tests; the committed model's own setting is in its file. */
export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  hashBits: 16,
  charNgramMin: 3,
  charNgramMax: 4,
});

/** Names of the dense features, in row order after the hashed rows (documented in the model file). */
export const DENSE_FEATURES = [
  'bias',
  'lexicon',
  'lexicon_crypto_only',
  'lexicon_pos',
  'lexicon_neg',
  'lexicon_crypto_only_pos',
  'lexicon_crypto_only_neg',
  'question',
  'exclamation',
  'cashtag',
  'url',
  'price_up_pct',
  'price_down_pct',
  'caps_share',
  'emoji',
  'negator',
] as const;

/** The lexicon scorer's label thresholds, as indicator features. */
const LEXICON_BAND = 0.2;

/** Total rows of the weight matrix for a config. */
export function featureRows(cfg: FeatureConfig): number {
  return (1 << cfg.hashBits) + DENSE_FEATURES.length;
}

/** Reusable sparse vector: `n` (index, value) pairs; indices may repeat (values then add). */
export interface FeatureVector {
  idx: Int32Array;
  val: Float64Array;
  n: number;
}

export function createFeatureVector(capacity = 1024): FeatureVector {
  return { idx: new Int32Array(capacity), val: new Float64Array(capacity), n: 0 };
}

function push(v: FeatureVector, index: number, value: number): void {
  if (v.n === v.idx.length) {
    const idx = new Int32Array(v.idx.length * 2);
    const val = new Float64Array(v.val.length * 2);
    idx.set(v.idx);
    val.set(v.val);
    v.idx = idx;
    v.val = val;
  }
  v.idx[v.n] = index;
  v.val[v.n] = value;
  v.n++;
}

function pushDense(v: FeatureVector, base: number, j: number, x: number): void {
  if (x !== 0) push(v, base + j, x);
}

// Namespace seeds: the same string in two roles hashes to unrelated rows.
const NS_WORD = 0x811c9dc5;
const NS_NEGATED = 0x050c5d1f;
const NS_BIGRAM = 0x2f3c1e77;
const NS_CHAR = 0x6a09e667;

/** murmur3's finaliser: FNV's low bits alone are poorly mixed. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** The token a hashed feature sees: words as they are, everything else by its kind. */
function featureToken(kind: number, value: string): string | undefined {
  switch (kind) {
    case T_WORD:
    case T_HASHTAG:
    case T_EMOJI:
    case T_EMOTICON:
      return value;
    case T_NUMBER:
      if (value.endsWith('%')) {
        const c = value.charCodeAt(0);
        return c === 43 ? '<+pct>' : c === 45 ? '<-pct>' : '<pct>';
      }
      return value.charCodeAt(0) === 45 ? '<-num>' : '<num>';
    case T_CASHTAG:
      return '<cash>';
    case T_MENTION:
      return '<user>';
    case T_URL:
      return '<url>';
    case T_BANG:
      return '!';
    case T_QUESTION:
      return '?';
    default:
      return undefined;
  }
}

/** The per-call scratch state, kept on the extractor so scoring allocates nothing per post. */
export interface FeatureExtractor {
  /**
   * Extracts the features of the first `n` tokens of `buf` into `out` (cleared first). Returns the
   * lexicon scorer's score (default options), which the blend reuses.
   */
  fromTokens(buf: TokenBuffer, n: number, out: FeatureVector): number;
  /** Tokenizes `text` into `buf` and extracts its features; returns as `fromTokens`. */
  fromText(text: string, buf: TokenBuffer, out: FeatureVector): number;
}

export function createFeatureExtractor(cfg: FeatureConfig): FeatureExtractor {
  const mask = (1 << cfg.hashBits) - 1;
  const denseBase = 1 << cfg.hashBits;
  const { charNgramMin, charNgramMax } = cfg;
  // Hashed features are first collected as raw hashes per group, then scaled so each group has
  // about unit norm: a long post does not outweigh a short one, and char n-grams (many per word)
  // do not drown the words.
  let wordHashes = new Int32Array(256);
  let charHashes = new Int32Array(1024);
  let nw = 0;
  let nc = 0;

  const addWord = (h: number): void => {
    if (nw === wordHashes.length) {
      const next = new Int32Array(nw * 2);
      next.set(wordHashes);
      wordHashes = next;
    }
    wordHashes[nw++] = fmix(h);
  };
  const addChar = (h: number): void => {
    if (nc === charHashes.length) {
      const next = new Int32Array(nc * 2);
      next.set(charHashes);
      charHashes = next;
    }
    charHashes[nc++] = fmix(h);
  };

  // The padded word '<' + word + '>' as code units, written once per word: each unit is read by
  // up to charNgramMax n-grams, and a typed-array read is cheaper than charCodeAt plus the
  // boundary tests. FNV cannot roll (its steps do not invert), so each n-gram is hashed whole.
  let padded = new Int32Array(64);
  const charNgrams = (word: string): void => {
    const len = word.length + 2;
    if (len > padded.length) padded = new Int32Array(len * 2);
    padded[0] = 60;
    for (let k = 0; k < word.length; k++) padded[k + 1] = word.charCodeAt(k);
    padded[len - 1] = 62;
    for (let size = charNgramMin; size <= charNgramMax && size <= len; size++) {
      for (let start = 0; start + size <= len; start++) {
        let h = NS_CHAR ^ size;
        for (let k = start; k < start + size; k++) h = Math.imul(h ^ (padded[k] as number), 16777619);
        addChar(h);
      }
    }
  };

  const emit = (out: FeatureVector, hashes: Int32Array, count: number): void => {
    if (count === 0) return;
    const w = 1 / Math.sqrt(count);
    for (let i = 0; i < count; i++) {
      const h = hashes[i] as number;
      push(out, h & mask, h < 0 ? -w : w);
    }
  };

  const lexicons = learnedFeatureLexicon();
  const entries: Array<TokenEntry | undefined> = [];

  const fromTokens = (buf: TokenBuffer, n: number, out: FeatureVector): number => {
    out.n = 0;
    nw = 0;
    nc = 0;
    const { kinds, values } = buf;
    // One lexicon lookup per token serves the negator test here and both lexicon scores below.
    resolveTokens(buf, n, lexicons, entries);
    // fnv(NS_BIGRAM, previous token), computed alongside that token's own hash so no token is
    // hashed twice; hasPrev says whether there is a previous token in this clause.
    let hasPrev = false;
    let prevBigram = 0;
    let word = 0;
    let negatorAt = -Infinity;
    let question = 0;
    let bang = 0;
    let cashtag = 0;
    let url = 0;
    let up = 0;
    let down = 0;
    let emoji = 0;
    let negator = 0;
    for (let i = 0; i < n; i++) {
      const kind = kinds[i] as number;
      const value = values[i] as string;
      if (kind === T_STOP || kind === T_CLAUSE) {
        hasPrev = false;
        negatorAt = -Infinity;
        continue;
      }
      const tok = featureToken(kind, value);
      if (tok === undefined) continue;
      if (kind === T_QUESTION) question = 1;
      else if (kind === T_BANG) bang = 1;
      else if (kind === T_CASHTAG) cashtag = 1;
      else if (kind === T_URL) url = 1;
      else if (kind === T_EMOJI || kind === T_EMOTICON) emoji = 1;
      else if (tok === '<+pct>') up = 1;
      else if (tok === '<-pct>') down = 1;

      const isWord = kind === T_WORD || kind === T_HASHTAG;
      const negated = isWord && word - negatorAt <= NEGATION_WINDOW_WORDS;
      // Three FNV chains over the token in one pass: its unigram, its bigram with the previous
      // token, and the bigram prefix the next token continues from.
      let hUni = negated ? NS_NEGATED : NS_WORD;
      let hBi = prevBigram ^ 32;
      let hNext = NS_BIGRAM;
      for (let k = 0; k < tok.length; k++) {
        const c = tok.charCodeAt(k);
        hUni = Math.imul(hUni ^ c, 16777619);
        hBi = Math.imul(hBi ^ c, 16777619);
        hNext = Math.imul(hNext ^ c, 16777619);
      }
      addWord(hUni);
      if (hasPrev) addWord(hBi);
      if (isWord && charNgramMax > 0 && value.length >= 2) charNgrams(value);
      if (isWord) {
        const entry = entries[i];
        if (entry !== undefined && entry.negator && !(i + 1 < n && values[i + 1] === 'only')) {
          negatorAt = word;
          negator = 1;
        }
        word++;
      }
      // Sentence ends break bigrams (and clauses); "!" and "?" are tokens of their own.
      if (kind === T_BANG || kind === T_QUESTION) {
        hasPrev = false;
        negatorAt = -Infinity;
      } else {
        hasPrev = true;
        prevBigram = hNext;
      }
    }
    emit(out, wordHashes, nw);
    emit(out, charHashes, nc);

    const lex = lexiconScoreOfResolved(buf, n, entries, 0);
    const lexCrypto = lexiconScoreOfResolved(buf, n, entries, 1);
    // Dense features in DENSE_FEATURES order; zeros are left out of the sparse vector.
    pushDense(out, denseBase, 0, 1);
    pushDense(out, denseBase, 1, lex);
    pushDense(out, denseBase, 2, lexCrypto);
    pushDense(out, denseBase, 3, lex >= LEXICON_BAND ? 1 : 0);
    pushDense(out, denseBase, 4, lex <= -LEXICON_BAND ? 1 : 0);
    pushDense(out, denseBase, 5, lexCrypto >= LEXICON_BAND ? 1 : 0);
    pushDense(out, denseBase, 6, lexCrypto <= -LEXICON_BAND ? 1 : 0);
    pushDense(out, denseBase, 7, question);
    pushDense(out, denseBase, 8, bang);
    pushDense(out, denseBase, 9, cashtag);
    pushDense(out, denseBase, 10, url);
    pushDense(out, denseBase, 11, up);
    pushDense(out, denseBase, 12, down);
    pushDense(out, denseBase, 13, buf.words >= 3 ? buf.capsWords / buf.words : 0);
    pushDense(out, denseBase, 14, emoji);
    pushDense(out, denseBase, 15, negator);
    return lex;
  };

  return {
    fromTokens,
    fromText(text, buf, out) {
      return fromTokens(buf, tokenize(text, buf), out);
    },
  };
}
