// Pure parsing of X's filtered stream: the byte stream is split into lines ("\r\n"; an empty line is
// the keep-alive X sends about every 20 s), and each line is one JSON object.
//
// A post (trimmed from GET /2/tweets/search/stream?tweet.fields=created_at,lang,author_id,referenced_tweets,note_tweet):
//   {"data":{"id":"1790102382456789012","text":"Bitcoin just broke 70k again… https://t.co/x",
//    "created_at":"2024-05-13T18:40:40.000Z","lang":"en","author_id":"2244994945",
//    "edit_history_tweet_ids":["1790102382456789012"],
//    "note_tweet":{"text":"Bitcoin just broke 70k again, and here is the full long post ..."},
//    "referenced_tweets":[{"type":"quoted","id":"1790100000000000000"}]},
//    "matching_rules":[{"id":"1790000000000000001","tag":"cryptocrawler:bitcoin"}]}
// An operational disconnect (the server closes the stream right after it):
//   {"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperationalDisconnect",
//    "detail":"This stream has been disconnected upstream for operational reasons.",
//    "type":"https://api.twitter.com/2/problems/operational-disconnect"}]}
import type { RawPost } from '../types.ts';

export type XStreamItem =
  | { kind: 'keepalive' }
  | { kind: 'post'; post: RawPost }
  | { kind: 'error'; types: string[] }
  | { kind: 'malformed'; reason: 'invalid_json' | 'not_object' | 'missing_field' };

/** Bounded set of error types we label metrics with; anything else is "other". */
const KNOWN_ERROR_TYPES = new Set([
  'operational-disconnect',
  'streaming-connection',
  'rule-cap',
  'invalid-request',
  'resource-not-found',
  'not-authorized-for-resource',
  'client-forbidden',
  'usage-capped',
]);

export function errorType(e: unknown): string {
  if (e === null || typeof e !== 'object') return 'other';
  const o = e as { type?: unknown; title?: unknown };
  const fromType = typeof o.type === 'string' ? o.type.split('/').pop() : undefined;
  if (fromType && KNOWN_ERROR_TYPES.has(fromType)) return fromType;
  if (typeof o.title === 'string' && KNOWN_ERROR_TYPES.has(o.title)) return o.title;
  return 'other';
}

export function parseStreamLine(line: string): XStreamItem {
  if (line.trim() === '') return { kind: 'keepalive' };
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'malformed', reason: 'invalid_json' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { kind: 'malformed', reason: 'not_object' };
  const o = v as { data?: unknown; errors?: unknown };
  if (o.data === undefined) {
    if (Array.isArray(o.errors)) return { kind: 'error', types: o.errors.map(errorType) };
    return { kind: 'malformed', reason: 'missing_field' };
  }
  const post = toRawPost(o.data);
  return post ? { kind: 'post', post } : { kind: 'malformed', reason: 'missing_field' };
}

/** Maps a v2 tweet object to a RawPost; undefined when the fields a post needs are missing. */
export function toRawPost(d: unknown): RawPost | undefined {
  if (d === null || typeof d !== 'object') return undefined;
  const t = d as {
    id?: unknown;
    text?: unknown;
    created_at?: unknown;
    lang?: unknown;
    author_id?: unknown;
    referenced_tweets?: unknown;
    note_tweet?: { text?: unknown };
  };
  if (typeof t.id !== 'string' || !/^\d{1,25}$/.test(t.id)) return undefined;
  // Long posts arrive truncated in `text`; `note_tweet.text` holds the whole of them.
  const text = typeof t.note_tweet?.text === 'string' && t.note_tweet.text ? t.note_tweet.text : t.text;
  if (typeof text !== 'string') return undefined;
  const createdAtMs = typeof t.created_at === 'string' ? Date.parse(t.created_at) : NaN;
  if (!Number.isFinite(createdAtMs)) return undefined;
  const refs = Array.isArray(t.referenced_tweets) ? t.referenced_tweets : [];
  const isRetweet = refs.some(
    (r) => r !== null && typeof r === 'object' && (r as { type?: unknown }).type === 'retweeted',
  );
  return {
    id: t.id,
    text,
    createdAtMs,
    ...(typeof t.lang === 'string' ? { langs: [t.lang] } : {}),
    ...(typeof t.author_id === 'string' ? { authorId: t.author_id } : {}),
    isRetweet,
  };
}

/**
 * Splits a byte stream into lines. Decodes UTF-8 across chunk borders (an emoji split between two
 * TCP chunks stays whole) and bounds a line's length: a longer one is dropped whole and reported.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private buf = '';
  private skipping = false;

  constructor(private readonly maxLineChars: number) {}

  /** Complete lines in this chunk; `oversized` counts lines dropped for length. */
  push(chunk: Uint8Array): { lines: string[]; oversized: number } {
    return this.split(this.decoder.decode(chunk, { stream: true }));
  }

  private split(text: string): { lines: string[]; oversized: number } {
    const lines: string[] = [];
    let oversized = 0;
    const data = this.buf + text;
    this.buf = '';
    let start = 0;
    let nl = data.indexOf('\n');
    while (nl !== -1) {
      const line = data.slice(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
      } else if (line.length > this.maxLineChars) {
        oversized++;
      } else {
        lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
      nl = data.indexOf('\n', start);
    }
    const rest = data.slice(start);
    if (this.skipping) return { lines, oversized };
    if (rest.length > this.maxLineChars) {
      // Too long already: drop what we have and the rest of this line when it ends.
      oversized++;
      this.skipping = true;
    } else {
      this.buf = rest;
    }
    return { lines, oversized };
  }

  reset(): void {
    this.decoder.decode(); // drops a partial character held from the last connection
    this.buf = '';
    this.skipping = false;
  }
}
