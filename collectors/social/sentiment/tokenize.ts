/**
 * A one-pass, allocation-light tokenizer for social posts. wink-nlp's `readDoc` does far more
 * than scoring needs (about 15-30k tweets/s on one core); this keeps the scorer well above that.
 * Tokens are lowercased; hyphens split words ("all-time" -> "all", "time"); "n't" becomes
 * "not" ("isn't" -> "is", "not").
 */

export const T_WORD = 1;
/** Starts with a digit: "70k", "15%", "+3.5%", "2021". */
export const T_NUMBER = 2;
export const T_EMOJI = 3;
export const T_EMOTICON = 4;
/** "#bitcoin": value is the body, "bitcoin". Scored like a word. */
export const T_HASHTAG = 5;
/** "$BTC": value is "btc". Never scored (tickers such as $LOVE or $FUN are not opinions). */
export const T_CASHTAG = 6;
export const T_MENTION = 7;
export const T_URL = 8;
/** "!", "!!!": value is the run. */
export const T_BANG = 9;
export const T_QUESTION = 10;
/** Sentence end: ".", newline, "…". */
export const T_STOP = 11;
/** Clause break inside a sentence: ",", ";", ":", dashes, parentheses. */
export const T_CLAUSE = 12;

/** Reusable token storage; `score()` is synchronous, so one buffer per scorer is safe. */
export interface TokenBuffer {
  kinds: number[];
  values: string[];
  /** The token was written in capitals (at least 2 letters, none lower case). */
  caps: boolean[];
  length: number;
  /** Word tokens seen, and how many of them were in capitals. */
  words: number;
  capsWords: number;
}

/**
 * A scorer that can hand out the tokens of the text it scored last (the trends hook reuses them
 * instead of tokenizing the post a second time). `lastTokens(text)` is the scorer's buffer when its
 * last `score()` tokenized exactly `text` (not cut to maxChars), else undefined. The buffer is the
 * scorer's own: read it before the next `score()` and never write to it.
 */
export interface TokenSource {
  lastTokens(text: string): TokenBuffer | undefined;
}

/** The tokens `scorer` produced for `text` in its last score() call, if it offers them. */
export function lastTokensOf(scorer: object, text: string): TokenBuffer | undefined {
  const f = (scorer as Partial<TokenSource>).lastTokens;
  return typeof f === 'function' ? f.call(scorer, text) : undefined;
}

export function createTokenBuffer(): TokenBuffer {
  return { kinds: [], values: [], caps: [], length: 0, words: 0, capsWords: 0 };
}

// Groups: 1 url, 2 sigil + 3 body, 4 number, 5 word, 6 emoticon, 7 emoji, 8 bangs, 9 questions,
// 10 sentence stop, 11 clause break. Anything else (symbols, ZWJ, variation selectors) is skipped.
const TOKEN_RE =
  /(https?:\/\/\S+|www\.\S+)|([$#@])([\p{L}\p{N}_]+)|([+-]?\d+(?:[.,]\d+)*%?(?![\p{L}\p{N}]))|([\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*)|(<3|(?<!\p{N})[:;=][-'^]?[()[\]dDpP/\\|*]+|(?<!\S)[()][-'^]?[:;=](?!\S))|(\p{Extended_Pictographic})|(!+)|(\?+)|([.\n\r…]+)|([,;:()[\]{}"“”—–]|\s-\s)/gu;

function push(buf: TokenBuffer, kind: number, value: string, caps: boolean): void {
  const i = buf.length;
  buf.kinds[i] = kind;
  buf.values[i] = value;
  buf.caps[i] = caps;
  buf.length = i + 1;
}

/** `raw` in capitals, given `lower` = raw.toLowerCase(): most words are already lower case, and then
 * the upper-case copy (an allocation per word) is never made. */
function isCaps(raw: string, lower: string): boolean {
  if (raw.length < 2 || raw === lower) return false;
  return raw === raw.toUpperCase();
}

/** /^[+-]?\d/ for a word or sigil body, which cannot start with a sign: an ASCII digit. */
function startsWithDigit(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** [A-Za-z0-9]: the ASCII part of [\p{L}\p{N}]. */
function isAsciiAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/**
 * The end of a plain ASCII word starting with a letter at `p`, or -1 when the regex must decide
 * (a URL, a non-ASCII letter or mark, an apostrophe). Where this answers, TOKEN_RE would match the
 * same span with its word group: no earlier alternative can start with a letter other than a URL,
 * and the word group stops at the first character outside [\p{L}\p{M}\p{N}] or an apostrophe.
 */
function asciiWordEnd(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) return -1;
  if ((c === 104 && text.startsWith('http', p)) || (c === 119 && text.startsWith('www.', p))) return -1;
  let e = p + 1;
  while (e < text.length && isAsciiAlnum(text.charCodeAt(e))) e++;
  if (e < text.length) {
    const d = text.charCodeAt(e);
    if (d >= 128 || d === 39 /* ' */) return -1;
  }
  return e;
}

/** A word-group match that does not start with a digit: lowercased, "n't" split off. */
function word(buf: TokenBuffer, raw: string): void {
  let value = raw.toLowerCase();
  const caps = isCaps(raw, value);
  buf.words++;
  if (caps) buf.capsWords++;
  if (value.includes('’')) value = value.replace(/’/g, "'");
  if (value.endsWith("n't")) {
    const base = value.slice(0, -3);
    if (base.length > 0) push(buf, T_WORD, base, caps);
    push(buf, T_WORD, 'not', caps);
  } else {
    push(buf, T_WORD, value, caps);
  }
}

/** Tokenizes `text` into `buf` (cleared first) and returns the number of tokens. */
export function tokenize(text: string, buf: TokenBuffer): number {
  buf.length = 0;
  buf.words = 0;
  buf.capsWords = 0;
  // Most of a post is plain ASCII words separated by single spaces: those are cut here without the
  // regex (whose match arrays and group strings cost more than the words themselves); anything else
  // goes to TOKEN_RE from the same position, so the tokens are exactly the regex's.
  const len = text.length;
  let p = 0;
  while (p < len) {
    const c = text.charCodeAt(p);
    // A space starts no token unless it is the " - " clause break.
    if (c === 32 && text.charCodeAt(p + 1) !== 45) {
      p++;
      continue;
    }
    const end = asciiWordEnd(text, p);
    if (end >= 0) {
      word(buf, text.slice(p, end));
      p = end;
      continue;
    }
    TOKEN_RE.lastIndex = p;
    const m = TOKEN_RE.exec(text);
    if (m === null) break;
    p = TOKEN_RE.lastIndex;
    if (m[5] !== undefined) {
      const raw = m[5];
      if (startsWithDigit(raw)) {
        push(buf, T_NUMBER, raw.toLowerCase(), false);
        continue;
      }
      word(buf, raw);
    } else if (m[4] !== undefined) {
      push(buf, T_NUMBER, m[4], false);
    } else if (m[2] !== undefined) {
      const body = m[3] as string;
      const sigil = m[2];
      if (sigil === '#') push(buf, T_HASHTAG, body.toLowerCase(), false);
      else if (sigil === '@') push(buf, T_MENTION, body.toLowerCase(), false);
      else if (startsWithDigit(body))
        push(buf, T_NUMBER, body, false); // "$80" is a price
      else push(buf, T_CASHTAG, body.toLowerCase(), false);
    } else if (m[7] !== undefined) {
      push(buf, T_EMOJI, m[7], false);
    } else if (m[8] !== undefined) {
      push(buf, T_BANG, m[8], false);
    } else if (m[9] !== undefined) {
      push(buf, T_QUESTION, m[9], false);
    } else if (m[10] !== undefined) {
      push(buf, T_STOP, m[10], false);
    } else if (m[11] !== undefined) {
      push(buf, T_CLAUSE, m[11], false);
    } else if (m[6] !== undefined) {
      push(buf, T_EMOTICON, m[6].toLowerCase(), false);
    } else if (m[1] !== undefined) {
      push(buf, T_URL, m[1], false);
    }
  }
  return buf.length;
}

/** Convenience for tests and lexicon building: the token values of `text`. */
export function tokenValues(text: string): string[] {
  const buf = createTokenBuffer();
  const n = tokenize(text, buf);
  return buf.values.slice(0, n);
}
