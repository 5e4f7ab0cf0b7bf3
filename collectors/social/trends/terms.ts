// The terms of a post: words, bigrams of adjacent words, hashtags ("#etf"), cashtags ("$btc") and URL
// domains ("coindesk.com"). Mentions and the rest of URLs are left out (they name people and pages,
// not subjects). Each term is counted once per post, so one spammy post cannot make a trend.
//
// Reuses the sentiment tokenizer (one regex pass, lower-cased tokens); bigrams join two adjacent
// non-stop words with no punctuation between them ("buy the dip" gives no bigram across "the").
import {
  T_CASHTAG,
  T_HASHTAG,
  T_URL,
  T_WORD,
  createTokenBuffer,
  tokenize,
  type TokenBuffer,
} from '../sentiment/tokenize.ts';
import { hashTerm } from './count-min.ts';

/** Longest term kept, in characters (longer ones are junk: base64, hashes, run-together text). */
export const MAX_TERM_CHARS = 40;
/** Distinct terms taken from one post (the first ones), bounding the work per post. */
export const MAX_TERMS_PER_POST = 64;

const DOMAIN_RE = /^(?:https?:\/\/)?(?:www\.)?([^/?#:\s]+)/i;

/**
 * The distinct terms of one post, with their FNV-1a hashes. A bigram is kept as its two words and
 * turned into text ("etf approval") only when it is needed (termText): most bigrams of social text
 * are seen once, and the counters decide that from the hash alone.
 */
export interface PostTerms {
  n: number;
  /** A typed array: a hash of 2^31 or more in a plain array would be a heap number, an allocation per term. */
  hashes: Uint32Array;
  first: string[];
  /** Second word of a bigram; undefined for a single term. */
  second: Array<string | undefined>;
  /** termText() results of this post, filled on demand. */
  text: Array<string | undefined>;
}

export function createPostTerms(): PostTerms {
  return { n: 0, hashes: new Uint32Array(MAX_TERMS_PER_POST), first: [], second: [], text: [] };
}

/** The text of term i ("etf", "#etf", "etf approval"), built once per post. */
export function termText(t: PostTerms, i: number): string {
  let s = t.text[i];
  if (s === undefined) {
    const b = t.second[i];
    s = b === undefined ? t.first[i]! : `${t.first[i]!} ${b}`;
    t.text[i] = s;
  }
  return s;
}

/** PostTerms from terms given as text (tests, callers with their own terms); distinctness is the caller's. */
export function postTermsOf(terms: readonly string[], out: PostTerms = createPostTerms()): PostTerms {
  out.n = terms.length;
  if (out.hashes.length < terms.length) out.hashes = new Uint32Array(terms.length);
  for (let i = 0; i < terms.length; i++) {
    out.hashes[i] = hashTerm(terms[i]!);
    out.first[i] = terms[i]!;
    out.second[i] = undefined;
    out.text[i] = terms[i]!;
  }
  return out;
}

const FNV_BASIS = 0x811c9dc5 | 0;
const SPACE = 0x20;

function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Open-addressing set of the hashes seen in the current post (a post has at most 64 terms). */
const TABLE = 256;

export class TermExtractor {
  private readonly buf: TokenBuffer = createTokenBuffer();
  private readonly table = new Int32Array(TABLE);
  private readonly gen = new Uint32Array(TABLE);
  private generation = 0;

  constructor(private readonly stop: ReadonlySet<string>) {}

  /** Whether the hash is new in this post (and records it). Two distinct terms of one post with the same 32-bit hash count once. */
  private fresh(h: number): boolean {
    let i = (h ^ (h >>> 8)) & (TABLE - 1);
    while (this.gen[i] === this.generation) {
      if (this.table[i] === (h | 0)) return false;
      i = (i + 1) & (TABLE - 1);
    }
    this.gen[i] = this.generation;
    this.table[i] = h | 0;
    return true;
  }

  private push(out: PostTerms, h: number, a: string, b: string | undefined): void {
    if (out.n >= MAX_TERMS_PER_POST || !this.fresh(h)) return;
    const k = out.n++;
    out.hashes[k] = h >>> 0;
    out.first[k] = a;
    out.second[k] = b;
    out.text[k] = b === undefined ? a : undefined;
  }

  /** Distinct terms of `text` in first-seen order, written into `out` (cleared first). */
  extractInto(text: string, out: PostTerms): PostTerms {
    return this.extractFromTokens(this.buf, tokenize(text, this.buf), out);
  }

  /**
   * The same from tokens already made by tokenize() (the sentiment scorer's, for the same text):
   * the terms are those extractInto(text) gives, without a second tokenizing pass. Reads `buf` only.
   */
  extractFromTokens(buf: TokenBuffer, n: number, out: PostTerms): PostTerms {
    out.n = 0;
    this.generation = (this.generation + 1) >>> 0 || 1;
    let prev: string | undefined;
    let prevHash = 0;
    for (let i = 0; i < n; i++) {
      const kind = buf.kinds[i];
      const v = buf.values[i]!;
      if (kind === T_WORD) {
        if (v.length < 2 || v.length > MAX_TERM_CHARS || this.stop.has(v)) {
          prev = undefined;
          continue;
        }
        const h = fnv(FNV_BASIS, v);
        this.push(out, h, v, undefined);
        if (prev !== undefined && prev.length + 1 + v.length <= MAX_TERM_CHARS)
          this.push(out, fnv(Math.imul(prevHash ^ SPACE, 0x01000193), v), prev, v);
        prev = v;
        prevHash = h;
        continue;
      }
      prev = undefined;
      let t: string | undefined;
      if (kind === T_HASHTAG) {
        if (v.length >= 2 && !this.stop.has(v)) t = `#${v}`;
      } else if (kind === T_CASHTAG) t = `$${v}`;
      else if (kind === T_URL) {
        const d = DOMAIN_RE.exec(v)?.[1]?.toLowerCase();
        if (d && d.includes('.') && d !== 't.co') t = d;
      }
      // Numbers ("70k", "15%") are left out: prices move all day and are no subject.
      if (t !== undefined && t.length <= MAX_TERM_CHARS) this.push(out, fnv(FNV_BASIS, t), t, undefined);
    }
    return out;
  }

  /** The terms as text (tests and the file command's callers that want strings). */
  extract(text: string, out: string[]): string[] {
    const t = this.extractInto(text, createPostTerms());
    out.length = 0;
    for (let i = 0; i < t.n; i++) out.push(termText(t, i));
    return out;
  }
}
