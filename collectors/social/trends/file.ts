// Trends of a recorded file (`cryptocrawler trends --file`): the replay source's formats (NDJSON or
// CSV, same fields, same parsers), routed to topics with the configuration, ranked per interval by
// the same engine as the live path. Time is the posts' own: an interval is ranked once the file has
// moved `grace` past its end (one interval by default, for files not quite in time order), and
// everything left open is ranked at the end of the file.
import { createReadStream } from 'node:fs';
import {
  csvColumns,
  decodeRecord,
  parseCsvFields,
  parseCsvRecord,
  parseNdjsonRecord,
  type CsvColumns,
} from '../replay/parse.ts';
import { RecordSplitter, type SplitEvent } from '../replay/split.ts';
import { createTopicRouter, UNKNOWN_TOPIC, type TopicConfig } from '../routing/router.ts';
import type { TrendsConfig } from './config.ts';
import { TrendEngine, type TrendOutput, type TrendRow } from './engine.ts';
import { engineOptions } from './options.ts';
import { stopWordSet } from './stopwords.ts';
import { TermExtractor, createPostTerms } from './terms.ts';

/** Longest record read, as the replay source's default. */
export const FILE_MAX_RECORD_BYTES = 1024 * 1024;

export interface FileTrendOptions {
  file: string;
  format?: 'auto' | 'ndjson' | 'csv';
  topics: TopicConfig[];
  trends: TrendsConfig;
  /** Overrides of the configuration (the command's options). */
  intervalMs?: number;
  baselineMs?: number;
  top?: number;
  assumeLang?: string;
}

export interface FileTrendSummary {
  records: number;
  posts: number;
  dropped: number;
  late: number;
}

/** The JSON line the command prints per interval, topic and rank. */
export interface TrendJson {
  interval_end: string;
  topic: string;
  rank: number;
  term: string;
  count: number;
  baseline_count: number;
  score: number;
  emerging: boolean;
}

export function trendJson(r: TrendRow): TrendJson {
  return {
    interval_end: new Date(r.startMs + r.intervalMs).toISOString(),
    topic: r.topic,
    rank: r.rank,
    term: r.term,
    count: r.count,
    baseline_count: round(r.baselineCount),
    score: round(r.score),
    emerging: r.emerging,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Reads the file and hands every ranked interval's rows to `emit`, in time order. */
export async function trendsOfFile(
  o: FileTrendOptions,
  emit: (rows: TrendRow[], out: TrendOutput) => void,
): Promise<FileTrendSummary> {
  const router = createTopicRouter(o.topics);
  const coins = new Map(o.topics.flatMap((t) => (t.coin ? [[t.name, t.coin] as const] : [])));
  const base = engineOptions(o.trends, (t) => coins.get(t));
  const intervalsMs = o.intervalMs ? [o.intervalMs] : base.intervalsMs;
  const engine = new TrendEngine({
    ...base,
    intervalsMs,
    baselineMs: o.baselineMs ?? base.baselineMs,
    topN: o.top ?? base.topN,
    graceMs: Math.max(...intervalsMs),
    // Themes are the live path's; a file run prints terms only.
    themes: undefined,
  } as typeof base);
  const extractor = new TermExtractor(stopWordSet(o.trends.stopWords));
  const terms = createPostTerms();
  const csv = o.format === 'csv' || ((o.format ?? 'auto') === 'auto' && /\.csv$/i.test(o.file));
  const assumeLang = o.assumeLang ?? 'en';
  const summary: FileTrendSummary = { records: 0, posts: 0, dropped: 0, late: 0 };
  let columns: CsvColumns | undefined;
  let headerSeen = false;
  let maxMs = 0;
  const flush = (all: boolean): void => {
    const out = engine.collect(all ? Number.MAX_SAFE_INTEGER / 2 : maxMs, all);
    if (out.trends.length) emit(out.trends, out);
  };
  let flushedSlot = -Infinity;
  const handle = (e: SplitEvent): void => {
    if (e.kind === 'oversize') {
      summary.records++;
      summary.dropped++;
      return;
    }
    const text = decodeRecord(e.bytes);
    if (text !== undefined && text.trim() === '') return;
    if (csv && !headerSeen) {
      headerSeen = true;
      const fields = text === undefined ? undefined : parseCsvFields(text);
      columns = fields ? csvColumns(fields) : undefined;
      if (!columns)
        throw new Error(`${o.file}: the CSV header must name the columns id, text and created_at`);
      return;
    }
    summary.records++;
    if (text === undefined) {
      summary.dropped++;
      return;
    }
    const p = csv ? parseCsvRecord(text, columns!, assumeLang) : parseNdjsonRecord(text, assumeLang);
    if (!p.ok) {
      summary.dropped++;
      return;
    }
    const topics = router.route(p.post.text).filter((t) => t !== UNKNOWN_TOPIC);
    if (topics.length === 0) return;
    summary.posts++;
    extractor.extractInto(p.post.text, terms);
    if (engine.addTerms(topics, terms, p.post.createdAtMs, p.post.createdAtMs) === 'late') summary.late++;
    if (p.post.createdAtMs > maxMs) {
      maxMs = p.post.createdAtMs;
      // Ranking is checked once per shortest interval the file moves on, not per post.
      const slot = Math.floor(maxMs / engine.base);
      if (slot > flushedSlot) {
        flushedSlot = slot;
        flush(false);
      }
    }
  };
  const splitter = new RecordSplitter({ csv, maxBytes: FILE_MAX_RECORD_BYTES });
  const stream = createReadStream(o.file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) splitter.push(chunk, handle);
  splitter.end(handle);
  flush(true);
  return summary;
}
