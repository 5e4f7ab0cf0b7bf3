// Validation of incoming posts and the `post` point. Pure.
//
// One post must never overwrite another: two posts in the same millisecond with the same tags would
// share a series and a timestamp. The nanosecond part of the timestamp is therefore derived from the
// post id (FNV-1a), which also makes the same post written twice land on the same point (idempotent).
import { fnv1a32 } from '../../src/core/hash.ts';
import { escString, escTag, InvalidPointError, toLine } from '../../src/core/write/line.ts';
import type { DropReason, RawPost, SentimentResult } from './types.ts';

export const MAX_TEXT_CHARS = 10_000;
export const MAX_ID_CHARS = 200;
/** Posts older than this are refused from live sources: they cannot be a stream event. */
export const MAX_POST_AGE_MS = 366 * 24 * 3600 * 1000;

export interface ValidPost {
  id: string;
  text: string;
  createdAtMs: number;
  lang: string;
  authorId?: string;
}

export function validatePost(
  p: unknown,
  opts: { requireEnglish: boolean; now: number },
): { ok: true; post: ValidPost } | { ok: false; reason: DropReason } {
  if (p === null || typeof p !== 'object') return { ok: false, reason: 'malformed' };
  const r = p as Partial<RawPost>;
  if (typeof r.id !== 'string' || r.id.length === 0 || r.id.length > MAX_ID_CHARS)
    return { ok: false, reason: 'missing_field' };
  // A lone surrogate would be stored as U+FFFD, so two ids could land as one; no source sends either.
  if (!isCleanId(r.id)) return { ok: false, reason: 'malformed' };
  if (typeof r.text !== 'string') return { ok: false, reason: 'missing_field' };
  if (typeof r.createdAtMs !== 'number' || !Number.isFinite(r.createdAtMs) || r.createdAtMs <= 0)
    return { ok: false, reason: 'missing_field' };
  if (r.createdAtMs < opts.now - MAX_POST_AGE_MS || r.createdAtMs > opts.now + 3600_000)
    return { ok: false, reason: 'too_old' };
  if (r.isRetweet) return { ok: false, reason: 'retweet' };
  const langs = Array.isArray(r.langs) ? r.langs.filter((l): l is string => typeof l === 'string') : [];
  const lang = primaryLang(langs);
  if (opts.requireEnglish && lang !== 'en') return { ok: false, reason: 'not_english' };
  const text = cleanText(r.text);
  if (text.trim().length === 0) return { ok: false, reason: 'missing_field' };
  const authorId = typeof r.authorId === 'string' ? r.authorId.slice(0, MAX_ID_CHARS) : '';
  return {
    ok: true,
    post: {
      id: r.id,
      text,
      createdAtMs: Math.floor(r.createdAtMs),
      lang,
      ...(authorId && isCleanId(authorId) ? { authorId } : {}),
    },
  };
}

/** Valid UTF-16 (slicing can split a pair) without control characters. */
function isCleanId(id: string): boolean {
  // eslint-disable-next-line no-control-regex
  return id.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(id);
}

/** "en-US" -> "en"; no language reported -> "und" (undetermined, as X reports it). */
function primaryLang(langs: string[]): string {
  const first = langs[0];
  if (!first) return 'und';
  const base = first.toLowerCase().split(/[-_]/)[0]!;
  return /^[a-z]{2,3}$/.test(base) ? base : 'und';
}

/** Lone surrogates (invalid UTF-16 from broken UTF-8) and control characters are removed; length bounded. */
export function cleanText(s: string): string {
  const bounded = s.length > MAX_TEXT_CHARS ? s.slice(0, MAX_TEXT_CHARS) : s;
  // Control characters are exactly what this strips.
  // eslint-disable-next-line no-control-regex
  return bounded.toWellFormed().replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** FNV-1a 32-bit of the id, reduced to a sub-millisecond offset in ns (0..999,999). */
export function idOffsetNs(id: string): number {
  return fnv1a32(id) % 1_000_000;
}

export function postTimeNs(p: Pick<ValidPost, 'id' | 'createdAtMs'>): string {
  // ms * 1e6 exceeds 2^53, so the ns value is assembled as text: exact, and cheaper than BigInt.
  return `${p.createdAtMs}${String(idOffsetNs(p.id)).padStart(6, '0')}`;
}

/** The `post` point of one topic: what `postLines` builds, spelled out with the generic encoder. */
export function postLine(source: string, topic: string, p: ValidPost, s: SentimentResult): string {
  return toLine({
    measurement: 'post',
    tags: { source, topic, lang: p.lang, label: s.label },
    fields: { score: s.score, text: p.text, id: p.id, author_id: p.authorId },
    timeNs: postTimeNs(p),
  });
}

/**
 * The `post` points of a post, one per topic, byte for byte what `postLine` gives (a test pins it):
 * the fields and the time are encoded once per post and the tags without sorting, because this runs
 * for every post and the generic encoder's sorting and escaping was a tenth of a shard's CPU.
 */
export function postLines(
  source: string,
  topics: readonly string[],
  p: ValidPost,
  s: SentimentResult,
): string[] {
  if (!Number.isFinite(s.score))
    throw new InvalidPointError(`field score of post is not finite (${s.score})`);
  const author = p.authorId === undefined ? '' : `,author_id="${escString(p.authorId)}"`;
  const rest = ` score=${s.score},text="${escString(p.text)}",id="${escString(p.id)}"${author} ${postTimeNs(p)}`;
  const out: string[] = [];
  for (const topic of topics) out.push(tagPrefix(source, topic, p.lang, s.label) + rest);
  return out;
}

const TAG_NEEDS_ESCAPE = /[,= \n\r\\]/;

/** `,key=value` with the value escaped as toLine does (a test first: tag values rarely need it). */
function tag(key: string, value: string): string {
  if (value === '') return '';
  return `,${key}=${TAG_NEEDS_ESCAPE.test(value) ? escTag(value) : value}`;
}

/** Tags in key order (label, lang, source, topic); empty values are left out, as toLine does. */
function tagPrefix(source: string, topic: string, lang: string, label: string): string {
  return `post${tag('label', label)}${tag('lang', lang)}${tag('source', source)}${tag('topic', topic)}`;
}
