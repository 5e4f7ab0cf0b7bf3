/**
 * The lexicon sentiment scorer (`model: 'lexicon'`): wink-nlp's general English lexicon (weighted by
 * `generalWeight`) under a crypto/market lexicon, with negation, intensifiers, capitals,
 * "but", questions and exclamation marks handled in the manner of VADER, normalised to [-1, 1].
 */
import { ACRONYMS, BOOSTERS, CRYPTO_LEXICON, DAMPENERS, NEGATORS } from './lexicon.ts';
import {
  BOOSTER_SCALAR,
  BUT_AFTER_SCALAR,
  BUT_BEFORE_SCALAR,
  CAPS_SCALAR,
  DAMPENER_SCALAR,
  DEFAULT_GENERAL_WEIGHT,
  DEFAULT_MAX_CHARS,
  DEFAULT_NEG_THRESHOLD,
  DEFAULT_POS_THRESHOLD,
  EXCLAMATION_BOOST,
  EXCLAMATION_MAX,
  NEGATION_SCALAR,
  NEGATION_WINDOW_WORDS,
  NORMALIZATION_ALPHA,
  PRICE_MOVE_VALENCE,
  QUESTION_SCALAR,
} from './options.ts';
import type { SentimentLabel, SentimentResult, SentimentScorer, SentimentScorerOptions } from './options.ts';
import {
  T_BANG,
  T_CLAUSE,
  T_EMOJI,
  T_EMOTICON,
  T_HASHTAG,
  T_NUMBER,
  T_QUESTION,
  T_STOP,
  T_WORD,
  createTokenBuffer,
  tokenize,
} from './tokenize.ts';
import type { TokenBuffer, TokenSource } from './tokenize.ts';
import { winkSentimentLexicon } from './wink-lexicon.ts';

/** wink's polarities are in [-1, 1]; the crypto layer uses VADER's [-4, 4]. */
const WINK_TO_VALENCE = 4;
const MAX_VALENCE = 4;
/** Posts whose words are mostly capitals shout everything, so capitals are no emphasis there. */
const MOSTLY_CAPS_SHARE = 0.5;

interface Phrase {
  parts: string[];
  valence: number;
}

interface CompiledLexicon {
  single: Map<string, number>;
  /** Phrases by first token, longest first. */
  phrases: Map<string, Phrase[]>;
}

const SCORABLE_KEY_KINDS = new Set([T_WORD, T_NUMBER, T_EMOJI, T_EMOTICON]);

/** Splits a lexicon key into the tokens score() will see. */
function keyParts(key: string, buf: TokenBuffer): string[] {
  const n = tokenize(key, buf);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    if (SCORABLE_KEY_KINDS.has(buf.kinds[i] as number)) parts.push(buf.values[i] as string);
  }
  return parts;
}

function compile(
  generalWeight: number,
  extra: Readonly<Record<string, number>> | undefined,
): CompiledLexicon {
  const entries = new Map<string, number>();
  if (generalWeight > 0) {
    for (const [key, polarity] of winkSentimentLexicon())
      entries.set(key, polarity * WINK_TO_VALENCE * generalWeight);
  }
  const buf = createTokenBuffer();
  const layer = (lexicon: Readonly<Record<string, number>>): void => {
    for (const [key, valence] of Object.entries(lexicon)) {
      const parts = keyParts(key, buf);
      if (parts.length === 0) continue;
      entries.set(parts.join(' '), valence);
      // "#buythedip", "#tothemoon": a phrase written as one hashtag.
      if (parts.length > 1) entries.set(parts.join(''), valence);
    }
  };
  layer(CRYPTO_LEXICON);
  // Modifiers change the next term; they carry no valence of their own ("crazy bullish").
  for (const word of [...BOOSTERS, ...DAMPENERS, ...NEGATORS]) entries.delete(word);
  if (extra !== undefined) layer(extra);

  const single = new Map<string, number>();
  const phrases = new Map<string, Phrase[]>();
  for (const [key, valence] of entries) {
    const parts = key.split(' ');
    if (parts.length === 1) {
      single.set(key, valence);
      continue;
    }
    const first = parts[0] as string;
    let list = phrases.get(first);
    if (list === undefined) phrases.set(first, (list = []));
    list.push({ parts, valence });
  }
  for (const list of phrases.values()) list.sort((a, b) => b.parts.length - a.parts.length);
  return { single, phrases };
}

/** Compiled lexicons without extra terms, by general weight: shared by all scorers in the process. */
const sharedLexicons = new Map<number, CompiledLexicon>();

function sharedLexicon(generalWeight: number): CompiledLexicon {
  let lexicon = sharedLexicons.get(generalWeight);
  if (lexicon === undefined) sharedLexicons.set(generalWeight, (lexicon = compile(generalWeight, undefined)));
  return lexicon;
}

/**
 * Everything the valence loop asks about one token value, for one or more compiled lexicons
 * ("slots"): found with a single hash lookup per token instead of one per question (phrase, single
 * term, negator, booster, ...) per lexicon. The learned model scores each post against two lexicons,
 * so this replaces about six string-keyed lookups per token with one.
 */
export interface TokenEntry {
  /** Per slot: the single-term valence, undefined when the lexicon has none. */
  single: Array<number | undefined>;
  /** Per slot: phrases starting with this token, longest first. */
  phrases: Array<Phrase[] | undefined>;
  negator: boolean;
  booster: boolean;
  dampener: boolean;
  acronym: boolean;
}

/** Token value -> entry; slot k of an entry is the k-th lexicon given to joinLexicons. */
export type JointLexicon = Map<string, TokenEntry>;

function joinLexicons(lexicons: readonly CompiledLexicon[]): JointLexicon {
  const joint: JointLexicon = new Map();
  const entry = (key: string): TokenEntry => {
    let e = joint.get(key);
    if (e === undefined) {
      e = {
        single: lexicons.map(() => undefined),
        phrases: lexicons.map(() => undefined),
        negator: NEGATORS.has(key),
        booster: BOOSTERS.has(key),
        dampener: DAMPENERS.has(key),
        acronym: ACRONYMS.has(key),
      };
      joint.set(key, e);
    }
    return e;
  };
  lexicons.forEach((lexicon, slot) => {
    for (const [key, valence] of lexicon.single) entry(key).single[slot] = valence;
    for (const [key, list] of lexicon.phrases) entry(key).phrases[slot] = list;
  });
  for (const set of [NEGATORS, BOOSTERS, DAMPENERS, ACRONYMS]) for (const key of set) entry(key);
  return joint;
}

/** Joint lookups of the shared lexicons (one slot each), by general weight. */
const sharedJoints = new Map<number, JointLexicon>();

function sharedJoint(generalWeight: number): JointLexicon {
  let joint = sharedJoints.get(generalWeight);
  if (joint === undefined)
    sharedJoints.set(generalWeight, (joint = joinLexicons([sharedLexicon(generalWeight)])));
  return joint;
}

let learnedJoint: JointLexicon | undefined;

/**
 * The learned model's lexicon features: slot 0 is the default general weight, slot 1 the crypto
 * layer alone (general weight 0).
 */
export function learnedFeatureLexicon(): JointLexicon {
  learnedJoint ??= joinLexicons([sharedLexicon(DEFAULT_GENERAL_WEIGHT), sharedLexicon(0)]);
  return learnedJoint;
}

/** Looks up the first `n` tokens of `buf` once, into `out` (undefined: not in any lexicon or list). */
export function resolveTokens(
  buf: TokenBuffer,
  n: number,
  joint: JointLexicon,
  out: Array<TokenEntry | undefined>,
): void {
  const { values } = buf;
  for (let i = 0; i < n; i++) out[i] = joint.get(values[i] as string);
}

/**
 * The lexicon score (before thresholds) of a text already tokenized into `buf` and resolved against
 * `joint` by {@link resolveTokens}, with the lexicon of `slot`: the learned model's lexicon features,
 * computed from the one tokenizing pass it shares.
 */
export function lexiconScoreOfResolved(
  buf: TokenBuffer,
  n: number,
  entries: ReadonlyArray<TokenEntry | undefined>,
  slot: number,
): number {
  return normalise(rawValence(buf, n, entries, slot));
}

/** Raw valence sum s mapped to [-1, 1] and rounded to 4 decimals. */
function normalise(raw: number): number {
  const normalized = raw / Math.sqrt(raw * raw + NORMALIZATION_ALPHA);
  return Math.round(Math.max(-1, Math.min(1, normalized)) * 10_000) / 10_000 || 0;
}

export function validateLexiconOptions(opts: SentimentScorerOptions): void {
  const { posThreshold, negThreshold, maxChars, generalWeight, extraLexicon } = opts;
  if (posThreshold !== undefined && !(posThreshold > 0 && posThreshold <= 1)) {
    throw new RangeError(`[sentiment] posThreshold must be in (0, 1], got ${posThreshold}`);
  }
  if (negThreshold !== undefined && !(negThreshold < 0 && negThreshold >= -1)) {
    throw new RangeError(`[sentiment] negThreshold must be in [-1, 0), got ${negThreshold}`);
  }
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars > 0)) {
    throw new RangeError(`[sentiment] maxChars must be a positive integer, got ${maxChars}`);
  }
  if (generalWeight !== undefined && !(generalWeight >= 0 && generalWeight <= 1)) {
    throw new RangeError(`[sentiment] generalWeight must be in [0, 1], got ${generalWeight}`);
  }
  for (const [term, valence] of Object.entries(extraLexicon ?? {})) {
    if (!(Math.abs(valence) <= MAX_VALENCE)) {
      throw new RangeError(`[sentiment] extraLexicon["${term}"] must be in [-4, 4], got ${valence}`);
    }
  }
}

/**
 * Builds a scorer. The general lexicon is read from wink's model once per process; a scorer with
 * default `generalWeight` and no `extraLexicon` shares one compiled lexicon with all others.
 * Throws RangeError on invalid options (validate at start); `score()` itself never throws.
 */
export function createLexiconScorer(opts: SentimentScorerOptions = {}): SentimentScorer & TokenSource {
  validateLexiconOptions(opts);
  const posThreshold = opts.posThreshold ?? DEFAULT_POS_THRESHOLD;
  const negThreshold = opts.negThreshold ?? DEFAULT_NEG_THRESHOLD;
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const generalWeight = opts.generalWeight ?? DEFAULT_GENERAL_WEIGHT;
  const joint =
    opts.extraLexicon === undefined
      ? sharedJoint(generalWeight)
      : joinLexicons([compile(generalWeight, opts.extraLexicon)]);
  const buf = createTokenBuffer();
  const entries: Array<TokenEntry | undefined> = [];

  const toLabel = (score: number): SentimentLabel =>
    score >= posThreshold ? 'pos' : score <= negThreshold ? 'neg' : 'neu';

  // The text whose tokens are in `buf` (lastTokens): only when it was tokenized whole.
  let last: string | undefined;

  return {
    score(text: string): SentimentResult {
      let input = typeof text === 'string' ? text : '';
      last = input;
      if (input.length > maxChars) {
        input = input.slice(0, maxChars);
        last = undefined;
      }
      const n = tokenize(input, buf);
      resolveTokens(buf, n, joint, entries);
      const score = normalise(rawValence(buf, n, entries, 0));
      return { score, label: toLabel(score) };
    },
    lastTokens(text: string): TokenBuffer | undefined {
      return last !== undefined && last === text ? buf : undefined;
    },
  };
}

/** Sum of term valences (the first `n` tokens of `buf`) with all modifiers applied, before normalisation. */
function rawValence(
  buf: TokenBuffer,
  n: number,
  entries: ReadonlyArray<TokenEntry | undefined>,
  slot: number,
): number {
  if (n === 0) return 0;
  const { kinds, values, caps } = buf;
  const capsIsEmphasis = buf.capsWords <= buf.words * MOSTLY_CAPS_SHARE;

  let total = 0; // finished sentences
  let sentence = 0; // current sentence
  let bangs = 0;
  let afterBut = false;
  let word = 0; // word position, for the negation window
  let negatorAt = -Infinity; // word position of the last negator in this clause
  // The two previous words in this clause, by their entries (undefined: none, or in no list).
  let prev1: TokenEntry | undefined;
  let prev2: TokenEntry | undefined;

  // Sentence and clause ends are inlined (no closures): this loop runs twice per post for the
  // learned model's features, so per-call allocations show in the 50k posts/s budget.
  let i = 0;
  while (i < n) {
    const kind = kinds[i] as number;
    const value = values[i] as string;
    if (kind === T_STOP || kind === T_BANG || kind === T_QUESTION || kind === T_CLAUSE) {
      if (kind !== T_CLAUSE) {
        if (kind === T_BANG) bangs += value.length;
        total += kind === T_QUESTION ? sentence * QUESTION_SCALAR : sentence;
        sentence = 0;
      }
      negatorAt = -Infinity;
      prev1 = undefined;
      prev2 = undefined;
      i++;
      continue;
    }
    if (
      kind !== T_WORD &&
      kind !== T_HASHTAG &&
      kind !== T_NUMBER &&
      kind !== T_EMOJI &&
      kind !== T_EMOTICON
    ) {
      i++; // urls, mentions, cashtags: no opinion, no clause break
      continue;
    }
    if (kind === T_WORD && value === 'but') {
      // Contrast: what came before counts less, what follows more.
      if (!afterBut) {
        total *= BUT_BEFORE_SCALAR;
        sentence *= BUT_BEFORE_SCALAR;
        afterBut = true;
      }
      negatorAt = -Infinity;
      prev1 = undefined;
      prev2 = undefined;
      word++;
      i++;
      continue;
    }

    let valence = 0;
    let span = 1;
    let found = false;
    const entry = entries[i];
    const candidates = entry === undefined ? undefined : entry.phrases[slot];
    if (candidates !== undefined) {
      for (const phrase of candidates) {
        const parts = phrase.parts;
        if (i + parts.length > n) continue;
        let k = 1;
        while (k < parts.length && values[i + k] === parts[k]) k++;
        if (k === parts.length) {
          valence = phrase.valence;
          span = parts.length;
          found = true;
          break;
        }
      }
    }
    if (!found && entry !== undefined) {
      const v = entry.single[slot];
      if (v !== undefined) {
        valence = v;
        found = true;
      }
    }
    // "up 12%", "down 30%", "+5%", "-8%".
    if (span === 1 && i + 1 < n && kinds[i + 1] === T_NUMBER && kind === T_WORD) {
      if (value === 'up') valence = PRICE_MOVE_VALENCE;
      else if (value === 'down') valence = -PRICE_MOVE_VALENCE;
    } else if (kind === T_NUMBER && value.endsWith('%')) {
      const sign = value.charCodeAt(0);
      if (sign === 43 /* + */) valence = PRICE_MOVE_VALENCE;
      else if (sign === 45 /* - */) valence = -PRICE_MOVE_VALENCE;
    }

    if (valence !== 0) {
      let x = valence;
      if (prev1 !== undefined && prev1.booster) x *= BOOSTER_SCALAR;
      else if (prev1 !== undefined && prev1.dampener) x *= DAMPENER_SCALAR;
      if (prev2 !== undefined && prev2.booster) x *= 1 + (BOOSTER_SCALAR - 1) / 2;
      if (caps[i] === true && capsIsEmphasis && value.length >= 4 && !(entry !== undefined && entry.acronym))
        x *= CAPS_SCALAR;
      // Emoji keep their sign: in "not bullish 🚀" the rocket is still a rocket.
      if (kind !== T_EMOJI && kind !== T_EMOTICON && word - negatorAt <= NEGATION_WINDOW_WORDS) {
        x *= NEGATION_SCALAR;
      }
      if (afterBut) x *= BUT_AFTER_SCALAR;
      sentence += x;
    } else if (!found && entry !== undefined && entry.negator) {
      // "not only" is no negation.
      if (!(i + 1 < n && values[i + 1] === 'only')) negatorAt = word;
    }

    prev2 = span > 1 ? entries[i + span - 2] : prev1;
    prev1 = entries[i + span - 1];
    word += span;
    i += span;
  }
  total += sentence;

  if (total !== 0 && bangs > 0) {
    total += Math.sign(total) * EXCLAMATION_BOOST * Math.min(bangs, EXCLAMATION_MAX);
  }
  return total;
}
