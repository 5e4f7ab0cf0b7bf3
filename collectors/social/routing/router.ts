/**
 * Topic routing: which configured topics a post or headline is about, by keyword.
 *
 * Matching is case-insensitive on whole words, and a keyword matches its hashtag and cashtag too:
 * the keyword `btc` matches "btc", "BTC", "#btc" and "$BTC" but not "btcfoo" or "wbtc". A keyword
 * of several words ("buy the dip") matches those words in a row, whatever punctuation or
 * whitespace lies between them. Keywords in scripts written without spaces (Chinese, Japanese,
 * Thai, ...) cannot be matched as whole words, so they match as substrings. Text is NFKC-folded,
 * so full-width "ＢＴＣ" and mathematical bold "𝐁𝐓𝐂" count as BTC.
 *
 * The keywords are compiled once into a map from first word to candidates; `route()` is one
 * tokenizing pass with map lookups, independent of the number of topics.
 */

export interface TopicConfig {
  /** Topic name written as the `topic` tag. */
  name: string;
  /** Words or phrases; a leading '#' or '$' is ignored ("$BTC" is the keyword "btc"). */
  keywords: string[];
  /** Coin symbol whose price this topic pairs with (the `currencycode` of the seed). */
  coin?: string;
}

export interface TopicRouterOptions {
  /** Characters of a text that are searched. Default {@link DEFAULT_ROUTE_MAX_CHARS}. */
  maxChars?: number;
}

export interface TopicRouter {
  /** Names of the matching topics in configuration order, or `['unknown']`. Never throws. */
  route(text: string): string[];
  /** The coin a topic pairs with, if any. */
  coinOf(topic: string): string | undefined;
}

/** The topic of posts that match no keyword (as the seed did). */
export const UNKNOWN_TOPIC = 'unknown';
/** Same limit as the sentiment scorer: longer texts are malformed or spam. */
export const DEFAULT_ROUTE_MAX_CHARS = 10_000;

// A word: letters, marks, digits, underscore (the \b of most regex engines, Unicode-aware).
// '#', '$', apostrophes, hyphens and everything else separate words.
const WORD_RE = /[\p{L}\p{M}\p{N}_]+/gu;
const NON_ASCII = /[^ -~\t\n\r]/; // anything outside printable ASCII
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

interface Candidate {
  topic: number;
  /** Words after the first. */
  rest: string[];
}

function fold(text: string): string {
  return (NON_ASCII.test(text) ? text.normalize('NFKC') : text).toLowerCase();
}

function words(folded: string): string[] {
  return folded.match(WORD_RE) ?? [];
}

/**
 * Compiles the topics. Throws an Error naming the topic and keyword when the configuration is
 * unusable (validate at start; `route()` never throws).
 */
export function createTopicRouter(topics: TopicConfig[], opts: TopicRouterOptions = {}): TopicRouter {
  const maxChars = opts.maxChars ?? DEFAULT_ROUTE_MAX_CHARS;
  if (!(Number.isInteger(maxChars) && maxChars > 0)) {
    throw new RangeError(`[routing] maxChars must be a positive integer, got ${maxChars}`);
  }
  const names: string[] = [];
  const coins = new Map<string, string>();
  const byFirstWord = new Map<string, Candidate[]>();
  const substrings: Array<{ topic: number; needle: string }> = [];

  topics.forEach((topic, index) => {
    const where = `[routing] topics[${index}]`;
    if (typeof topic?.name !== 'string' || topic.name.trim() === '')
      throw new Error(`${where}.name must be a non-empty string`);
    const name = topic.name;
    if (name === UNKNOWN_TOPIC)
      throw new Error(`${where}.name "${UNKNOWN_TOPIC}" is reserved for posts matching no topic`);
    if (names.includes(name)) throw new Error(`${where}.name "${name}" is used by another topic`);
    if (!Array.isArray(topic.keywords) || topic.keywords.length === 0) {
      throw new Error(`${where}.keywords (topic "${name}") must list at least one keyword`);
    }
    names.push(name);
    if (topic.coin !== undefined) coins.set(name, topic.coin);
    topic.keywords.forEach((keyword, k) => {
      if (typeof keyword !== 'string')
        throw new Error(`${where}.keywords[${k}] (topic "${name}") must be a string`);
      const folded = fold(keyword);
      if (UNSPACED_SCRIPT.test(folded)) {
        substrings.push({ topic: index, needle: folded.trim() });
        return;
      }
      const parts = words(folded);
      const first = parts[0];
      if (first === undefined) {
        throw new Error(`${where}.keywords[${k}] (topic "${name}") has no letters or digits: "${keyword}"`);
      }
      let list = byFirstWord.get(first);
      if (list === undefined) byFirstWord.set(first, (list = []));
      list.push({ topic: index, rest: parts.slice(1) });
    });
  });

  const matched = new Uint8Array(names.length);

  return {
    route(text: string): string[] {
      if (typeof text !== 'string' || text.length === 0) return [UNKNOWN_TOPIC];
      const folded = fold(text.length > maxChars ? text.slice(0, maxChars) : text);
      matched.fill(0);
      let any = false;
      const tokens = words(folded);
      for (let i = 0; i < tokens.length; i++) {
        const candidates = byFirstWord.get(tokens[i] as string);
        if (candidates === undefined) continue;
        for (const c of candidates) {
          if (matched[c.topic] === 1) continue;
          const rest = c.rest;
          let k = 0;
          while (k < rest.length && tokens[i + 1 + k] === rest[k]) k++;
          if (k === rest.length) {
            matched[c.topic] = 1;
            any = true;
          }
        }
      }
      for (const s of substrings) {
        if (matched[s.topic] === 0 && folded.includes(s.needle)) {
          matched[s.topic] = 1;
          any = true;
        }
      }
      if (!any) return [UNKNOWN_TOPIC];
      const out: string[] = [];
      for (let t = 0; t < names.length; t++) if (matched[t] === 1) out.push(names[t] as string);
      return out;
    },
    coinOf(topic: string): string | undefined {
      return coins.get(topic);
    },
  };
}
