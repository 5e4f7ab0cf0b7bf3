// Pure parsers from recorded records to the pipeline's RawPost. Both formats carry the same fields:
//
// NDJSON, one object a line (an X API v2 envelope {"data": {...}} is unwrapped):
//   {"id":"1790000000000000001","text":"Bitcoin to the moon","created_at":"2026-01-12T10:00:00.000Z",
//    "lang":"en","author_id":"12"}
//   time from created_at / createdAt (ISO 8601 or epoch), createdAtMs, or timestamp (epoch s or ms);
//   language from lang or langs; author from author_id / authorId.
// CSV with a header row (RFC 4180: quoted fields may hold commas, newlines and "" quotes):
//   id,text,created_at,lang,author_id
//   1790000000000000002,"Sold my ETH, ""never again""",2026-01-12T10:00:01Z,en,13
import type { RawPost } from '../types.ts';

export type RecordDropReason = 'malformed' | 'missing_field' | 'invalid_utf8' | 'too_long';

export type ParseResult = { ok: true; post: RawPost } | { ok: false; reason: RecordDropReason };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes a record's bytes; invalid UTF-8 is reported, never replaced silently. A BOM and a trailing CR are removed. */
export function decodeRecord(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** The latest time a JavaScript Date can hold, in ms since the epoch. */
const MAX_DATE_MS = 8.64e15;

/**
 * Epoch ms from a recorded time: ISO 8601 text, or a number (or digit string) in seconds or
 * milliseconds. Numbers below 1e11 are seconds: 1e11 s is the year 5138, 1e11 ms is 1973.
 */
export function parseTimeMs(v: unknown): number | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= 0) return undefined;
    // Rounding can reach 0 (5e-324 s), and a number beyond the Date range is no time at all.
    const ms = Math.round(v < 1e11 ? v * 1000 : v);
    return ms > 0 && ms <= MAX_DATE_MS ? ms : undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return parseTimeMs(Number(s));
  // ISO 8601 only: Date.parse accepts other shapes whose meaning depends on the local time zone.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s))
    return undefined;
  const ms = Date.parse(s.replace(' ', 'T'));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

function langsOf(lang: unknown, langs: unknown, assumeLang: string): string[] {
  if (typeof lang === 'string' && lang) return [lang];
  if (Array.isArray(langs)) {
    const l = langs.filter((x): x is string => typeof x === 'string' && x.length > 0);
    if (l.length) return l;
  }
  return [assumeLang];
}

function toPost(
  f: { id: unknown; text: unknown; time: unknown; lang: unknown; langs: unknown; author: unknown },
  assumeLang: string,
): ParseResult {
  const id = idOf(f.id);
  const createdAtMs = parseTimeMs(f.time);
  if (!id || typeof f.text !== 'string' || f.text.trim() === '' || createdAtMs === undefined)
    return { ok: false, reason: 'missing_field' };
  const author = idOf(f.author);
  return {
    ok: true,
    post: {
      id,
      text: f.text,
      createdAtMs,
      langs: langsOf(f.lang, f.langs, assumeLang),
      ...(author ? { authorId: author } : {}),
    },
  };
}

export function parseNdjsonRecord(text: string, assumeLang: string): ParseResult {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'malformed' };
  let o = v as Record<string, unknown>;
  if (o.data !== null && typeof o.data === 'object' && !Array.isArray(o.data))
    o = o.data as Record<string, unknown>;
  return toPost(
    {
      id: o.id,
      text: o.text,
      time: o.created_at ?? o.createdAt ?? o.createdAtMs ?? o.timestamp,
      lang: o.lang,
      langs: o.langs,
      author: o.author_id ?? o.authorId,
    },
    assumeLang,
  );
}

/** Splits one CSV record into fields (RFC 4180); undefined when its quotes are unbalanced or misplaced. */
export function parseCsvFields(record: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = record.length;
  while (true) {
    if (record[i] === '"') {
      let value = '';
      i++;
      while (true) {
        const q = record.indexOf('"', i);
        if (q < 0) return undefined;
        value += record.slice(i, q);
        if (record[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < n && record[i] !== ',') return undefined;
      out.push(value);
    } else {
      const c = record.indexOf(',', i);
      const value = c < 0 ? record.slice(i) : record.slice(i, c);
      if (value.includes('"')) return undefined;
      out.push(value);
      i = c < 0 ? n : c;
    }
    if (i >= n) return out;
    i++; // the comma
    if (i === n) {
      out.push('');
      return out;
    }
  }
}

/** Column positions of a CSV header; undefined when a required column is missing. */
export interface CsvColumns {
  id: number;
  text: number;
  time: number;
  lang: number;
  author: number;
  count: number;
}

export function csvColumns(header: string[]): CsvColumns | undefined {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (...alts: string[]) => names.findIndex((h) => alts.includes(h));
  const cols = {
    id: find('id'),
    text: find('text'),
    time: find('created_at', 'createdat', 'created_at_ms', 'createdatms', 'timestamp'),
    lang: find('lang', 'language'),
    author: find('author_id', 'authorid'),
    count: names.length,
  };
  return cols.id < 0 || cols.text < 0 || cols.time < 0 ? undefined : cols;
}

export function parseCsvRecord(record: string, cols: CsvColumns, assumeLang: string): ParseResult {
  const f = parseCsvFields(record);
  if (!f || f.length !== cols.count) return { ok: false, reason: 'malformed' };
  return toPost(
    {
      id: f[cols.id],
      text: f[cols.text],
      time: f[cols.time],
      lang: cols.lang >= 0 ? f[cols.lang] : undefined,
      langs: undefined,
      author: cols.author >= 0 ? f[cols.author] : undefined,
    },
    assumeLang,
  );
}
