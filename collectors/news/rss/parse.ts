// Pure RSS 2.0 / Atom parser built on fast-xml-parser. Never throws: a body that is not a feed is a
// typed failure, an item without what a headline needs is counted and skipped.
//
// RSS 2.0:  <rss version="2.0"><channel><title>Feed</title>
//             <item><title><![CDATA[Bitcoin hits $100k]]></title><link>https://x/1</link>
//               <guid isPermaLink="false">abc-1</guid><pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate>
//               <description>&lt;p&gt;Summary&lt;/p&gt;</description></item></channel></rss>
// Atom:     <feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="html">ETH &amp; gas</title>
//             <link rel="alternate" href="https://x/2"/><id>urn:uuid:2</id>
//             <updated>2025-01-06T10:00:00Z</updated><summary>...</summary></entry></feed>
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cleanText } from '../../social/post.ts';

export const MAX_FEED_BYTES = 5 * 1024 * 1024;
export const MAX_ITEMS_PER_FEED = 1000;
export const MAX_TITLE_CHARS = 500;
export const MAX_SUMMARY_CHARS = 2000;
export const MAX_URL_CHARS = 2000;
export const MAX_GUID_CHARS = 500;

export interface FeedItem {
  /** guid (RSS) or id (Atom), else the link, else the title: what deduplication keys on. */
  guid: string;
  title: string;
  url?: string;
  /** Plain text (tags stripped), for topic routing; may be empty. */
  summary: string;
  /** pubDate / published / updated, ms since the epoch; undefined when absent or unreadable. */
  publishedMs?: number;
}

export type FeedFailure = 'empty' | 'html' | 'broken_xml' | 'not_a_feed' | 'too_large';
export type ItemDropReason = 'missing_field';

export type ParsedFeed =
  | { ok: true; format: 'rss' | 'atom' | 'rdf'; items: FeedItem[]; dropped: number }
  | { ok: false; reason: FeedFailure };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Keep every value a string: a guid of "1e400" or a title of "0042" must not turn into numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
  processEntities: {
    enabled: true,
    maxEntityCount: 50,
    maxTotalExpansions: 1000,
    maxExpandedLength: 100_000,
  },
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
});

export function parseFeed(text: string): ParsedFeed {
  if (typeof text !== 'string') return { ok: false, reason: 'empty' };
  if (text.length > MAX_FEED_BYTES) return { ok: false, reason: 'too_large' };
  const head = text
    .slice(0, 1024)
    .trimStart()
    .replace(/^\uFEFF/, '');
  if (head.length === 0) return { ok: false, reason: 'empty' };
  if (/^(<!doctype\s+html|<html[\s>])/i.test(head)) return { ok: false, reason: 'html' };
  let doc: unknown;
  try {
    if (XMLValidator.validate(text) !== true) return { ok: false, reason: 'broken_xml' };
    doc = parser.parse(text);
  } catch {
    return { ok: false, reason: 'broken_xml' };
  }
  if (!isObj(doc)) return { ok: false, reason: 'not_a_feed' };
  if (isObj(doc.html)) return { ok: false, reason: 'html' };
  let format: 'rss' | 'atom' | 'rdf';
  let rawItems: unknown[];
  if (isObj(doc.rss)) {
    format = 'rss';
    const channel = doc.rss.channel;
    rawItems = isObj(channel) ? asArray(channel.item) : [];
    if (!isObj(channel)) return { ok: false, reason: 'not_a_feed' };
  } else if (isObj(doc.feed)) {
    format = 'atom';
    rawItems = asArray(doc.feed.entry);
  } else if (isObj(doc['rdf:RDF'])) {
    // RSS 1.0 puts items beside the channel.
    format = 'rdf';
    rawItems = asArray(doc['rdf:RDF'].item);
  } else return { ok: false, reason: 'not_a_feed' };
  const items: FeedItem[] = [];
  let dropped = 0;
  for (const raw of rawItems.slice(0, MAX_ITEMS_PER_FEED)) {
    const item = format === 'atom' ? atomItem(raw) : rssItem(raw);
    if (item) items.push(item);
    else dropped++;
  }
  dropped += Math.max(0, rawItems.length - MAX_ITEMS_PER_FEED);
  return { ok: true, format, items, dropped };
}

function rssItem(raw: unknown): FeedItem | undefined {
  if (!isObj(raw)) return undefined;
  const title = plain(text(raw.title), MAX_TITLE_CHARS);
  const url = httpUrl(text(asArray(raw.link)[0]));
  const guid = text(raw.guid) || url || title;
  const date = text(raw.pubDate) || text(raw['dc:date']);
  return finish(guid, title, url, plain(text(raw.description), MAX_SUMMARY_CHARS), date);
}

function atomItem(raw: unknown): FeedItem | undefined {
  if (!isObj(raw)) return undefined;
  const title = plain(text(raw.title), MAX_TITLE_CHARS);
  const links = asArray(raw.link).filter(isObj);
  const alt = links.find((l) => l['@_rel'] === undefined || l['@_rel'] === 'alternate') ?? links[0];
  const url = httpUrl(alt ? text(alt['@_href']) : '');
  const guid = text(raw.id) || url || title;
  const date = text(raw.published) || text(raw.updated);
  return finish(guid, title, url, plain(text(raw.summary) || text(raw.content), MAX_SUMMARY_CHARS), date);
}

function finish(
  guid: string,
  title: string,
  url: string | undefined,
  summary: string,
  date: string,
): FeedItem | undefined {
  const g = cleanText(guid).trim().slice(0, MAX_GUID_CHARS);
  if (!title || !g) return undefined;
  const ms = parseDate(date);
  return {
    guid: g,
    title,
    summary,
    ...(url ? { url } : {}),
    ...(ms !== undefined ? { publishedMs: ms } : {}),
  };
}

/** RFC 822 (RSS) and RFC 3339 (Atom) dates; undefined when unreadable or outside 1990..2100. */
export function parseDate(s: string): number | undefined {
  if (!s) return undefined;
  const ms = Date.parse(s.trim());
  if (!Number.isFinite(ms) || ms < 631_152_000_000 || ms > 4_102_444_800_000) return undefined;
  return ms;
}

/** The text of a node: a string, or the #text of an element with attributes (CDATA merges into it). */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObj(v)) {
    const t = v['#text'];
    if (typeof t === 'string') return t;
    if (typeof t === 'number') return String(t);
  }
  return '';
}

/** Markup stripped, entities of the escaped HTML decoded, whitespace collapsed, bounded. */
export function plain(s: string, max: number): string {
  if (!s) return '';
  const noTags = s
    .slice(0, max * 4)
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|#39|nbsp);/g, (_, e: string) => ENTITIES[e] ?? ' ');
  return cleanText(noTags).replace(/\s+/g, ' ').trim().slice(0, max);
}
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  '#39': "'",
  nbsp: ' ',
};

function httpUrl(s: string): string | undefined {
  const t = s.trim();
  if (!/^https?:\/\/\S+$/i.test(t) || t.length > MAX_URL_CHARS) return undefined;
  return t;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
