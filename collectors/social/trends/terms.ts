// The terms of a post: words, bigrams of adjacent words, hashtags ("#etf"), cashtags ("$btc") and URL
// domains ("coindesk.com"). Mentions and the rest of URLs are left out (they name people and pages,
// not subjects). Each term is counted once per post, so one spammy post cannot make a trend.
//
// Reuses the sentiment tokenizer (one regex pass, lower-cased tokens); bigrams join two adjacent
// non-stop words with no punctuation between them ("buy the dip" gives no bigram across "the").
import {
  T_CASHTAG,
  T_HASHTAG,
  T_NUMBER,
  T_URL,
  T_WORD,
  createTokenBuffer,
  tokenize,
  type TokenBuffer,
} from '../sentiment/tokenize.ts';

/** Longest term kept, in characters (longer ones are junk: base64, hashes, run-together text). */
export const MAX_TERM_CHARS = 40;
/** Distinct terms taken from one post (the first ones), bounding the work per post. */
export const MAX_TERMS_PER_POST = 64;

const DOMAIN_RE = /^(?:https?:\/\/)?(?:www\.)?([^/?#:\s]+)/i;

export class TermExtractor {
  private readonly buf: TokenBuffer = createTokenBuffer();
  private readonly seen = new Set<string>();

  constructor(private readonly stop: ReadonlySet<string>) {}

  private readonly add = (seen: Set<string>, out: string[], t: string): void => {
    if (t.length <= MAX_TERM_CHARS && !seen.has(t) && out.length < MAX_TERMS_PER_POST) {
      seen.add(t);
      out.push(t);
    }
  };

  /** Distinct terms of `text` in first-seen order, written into `out` (cleared first). */
  extract(text: string, out: string[]): string[] {
    out.length = 0;
    const seen = this.seen;
    seen.clear();
    const buf = this.buf;
    const n = tokenize(text, buf);
    let prev: string | undefined;
    const add = this.add;
    for (let i = 0; i < n; i++) {
      const kind = buf.kinds[i];
      const v = buf.values[i]!;
      if (kind === T_WORD) {
        if (v.length < 2 || this.stop.has(v)) {
          prev = undefined;
          continue;
        }
        add(seen, out, v);
        if (prev !== undefined) add(seen, out, `${prev} ${v}`);
        prev = v;
        continue;
      }
      prev = undefined;
      if (kind === T_HASHTAG) {
        if (v.length >= 2 && !this.stop.has(v)) add(seen, out, `#${v}`);
      } else if (kind === T_CASHTAG) add(seen, out, `$${v}`);
      else if (kind === T_URL) {
        const d = DOMAIN_RE.exec(v)?.[1]?.toLowerCase();
        if (d && d.includes('.') && d !== 't.co') add(seen, out, d);
      } else if (kind === T_NUMBER) {
        // Numbers ("70k", "15%") are left out: prices move all day and are no subject.
      }
    }
    return out;
  }
}
