// The running replay: streams the file record by record (never the whole file in memory), paces posts
// by their recorded times at `speed`, and hands them to the social pipeline. Bad records are counted by
// reason and skipped. At the end every rollup is written. Replaying a file again writes the same points
// (post points are keyed by id; rollups count distinct ids), so counts do not change.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Source, SourceContext, SourceState } from '../../source.ts';
import type { ReplayConfig } from './config.ts';
import {
  csvColumns,
  decodeRecord,
  parseCsvFields,
  parseCsvRecord,
  parseNdjsonRecord,
  type CsvColumns,
  type ParseResult,
  type RecordDropReason,
} from './parse.ts';
import type { RawPost } from '../types.ts';

import { ProgressBar, type ProgressStream } from './progress.ts';
import { RecordSplitter, type SplitEvent } from './split.ts';

export const SOURCE_NAME = 'replay';
export const READ_CHUNK_BYTES = 64 * 1024;
/**
 * Pacing follows the gap to the previous record, clamped to [0, MAX_PACED_GAP_MS] of recorded time: a
 * quiet stretch longer than this is shortened, records out of order are not waited for, and one record
 * with a wild timestamp (the year 9999) can neither stall the replay nor shift every later post.
 */
export const MAX_PACED_GAP_MS = 60_000;

/** Longest single sleep while pacing, so stop() is noticed quickly. */
export const MAX_SLEEP_MS = 250;
/**
 * Shortest sleep while pacing: a record due sooner waits this long and the records due meanwhile go
 * with it. At 5,000 records a second, waking for each (a 1 ms timer every 0.2 ms) cost a third of the
 * shards' CPU on a quiet machine (docs/performance.md); a post is at most this late.
 */
export const MIN_SLEEP_MS = 10;
/** Rollups are ticked at least this often (by posts) when replaying as fast as possible. */
export const TICK_EVERY_POSTS = 2000;

export interface ReplaySummary {
  records: number;
  accepted: number;
  /** By reason: record-level (malformed, missing_field, invalid_utf8, too_long) and pipeline drops. */
  dropped: Record<string, number>;
  bytes: number;
  elapsedMs: number;
}

export interface ReplayOptions {
  /** Where the progress bar goes (default process.stderr; drawn only on a TTY). */
  progressStream?: ProgressStream;
}

export class ReplaySource implements Source {
  private st: SourceState = 'stopped';
  private stopping = false;
  private run: Promise<ReplaySummary> | undefined;
  private wake: (() => void) | undefined;
  private lastWaitTickMs = 0;
  private readonly m;
  private readonly format: 'ndjson' | 'csv';
  private readonly file: string;

  constructor(
    private readonly ctx: SourceContext,
    private readonly cfg: ReplayConfig,
    private readonly opts: ReplayOptions = {},
  ) {
    if (!cfg.file)
      throw new Error('[source=replay] sources.replay.file: expected the path of an NDJSON or CSV file');
    this.file = cfg.file;
    this.format = cfg.format === 'auto' ? (/\.csv$/i.test(cfg.file) ? 'csv' : 'ndjson') : cfg.format;
    const r = ctx.metrics;
    this.m = {
      records: r.counter('replay_records_total', 'Records read from the replay file.'),
      progress: r.gauge('replay_progress_ratio', 'Share of the replay file read.'),
    };
  }

  state(): SourceState {
    return this.st;
  }

  /** Checks the file is readable, then replays in the background; finished() resolves with the summary. */
  async start(): Promise<void> {
    if (this.run) return;
    let size: number;
    try {
      const s = await stat(this.file);
      if (!s.isFile()) throw new Error('not a regular file');
      size = s.size;
    } catch (err) {
      this.st = 'failed';
      throw new Error(
        `[source=replay] cannot read sources.replay.file "${this.file}": ${(err as Error).message}`,
      );
    }
    this.stopping = false;
    this.st = 'running';
    this.run = this.replay(size).then(
      (summary) => {
        if (this.st === 'running') this.st = 'stopped';
        return summary;
      },
      (err: unknown) => {
        this.st = 'failed';
        this.ctx.log.error(
          { source: SOURCE_NAME, file: this.file, err: String(err) },
          'replay stopped on an error',
        );
        throw err;
      },
    );
    // The error is logged above; a caller that never awaits finished() must not see an unhandled rejection.
    this.run.catch(() => undefined);
  }

  finished(): Promise<ReplaySummary> {
    if (!this.run) return Promise.reject(new Error('[source=replay] not started'));
    return this.run;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.run?.catch(() => undefined);
    this.run = undefined;
    if (this.st !== 'failed') this.st = 'stopped';
  }

  private async replay(size: number): Promise<ReplaySummary> {
    const t0 = performance.now();
    const startMs = this.ctx.now();
    const summary: ReplaySummary = { records: 0, accepted: 0, dropped: {}, bytes: 0, elapsedMs: 0 };
    const bar = this.cfg.progress
      ? new ProgressBar(this.opts.progressStream ?? process.stderr, size)
      : undefined;
    const splitter = new RecordSplitter({ csv: this.format === 'csv', maxBytes: this.cfg.maxRecordBytes });
    const speed = this.cfg.speed;
    let columns: CsvColumns | undefined;
    let headerSeen = false;
    let previousOriginalMs: number | undefined;
    let offset = 0;
    let sinceTick = 0;
    let lastTickMs = performance.now();
    const pending: SplitEvent[] = [];

    const drop = (reason: RecordDropReason | string) => {
      summary.dropped[reason] = (summary.dropped[reason] ?? 0) + 1;
    };

    const ingest = (post: RawPost, original: number): void => {
      if (this.stopping) return;
      const createdAtMs =
        this.cfg.timestamps === 'shift'
          ? startMs + Math.round(speed === 'max' ? offset : offset / speed)
          : original;
      const result = this.ctx.social.ingest(SOURCE_NAME, { ...post, createdAtMs });
      if (result === 'accepted') summary.accepted++;
      else drop(result);
      sinceTick++;
    };

    // Synchronous unless the record must wait for its time: a promise per record (thousands a second)
    // cost more than parsing it.
    const handle = (e: SplitEvent): Promise<void> | undefined => {
      if (e.kind === 'oversize') {
        summary.records++;
        this.m.records.inc();
        drop(this.ctx.social.drop(SOURCE_NAME, 'too_long'));
        return;
      }
      const text = decodeRecord(e.bytes);
      if (text !== undefined && text.trim() === '') return; // blank line: not a record
      summary.records++;
      this.m.records.inc();
      if (this.format === 'csv' && !headerSeen) {
        // The header is not a post; without a readable one no row can be read.
        headerSeen = true;
        summary.records--;
        const fields = text === undefined ? undefined : parseCsvFields(text);
        columns = fields ? csvColumns(fields) : undefined;
        if (!columns)
          throw new Error(
            `[source=replay] ${this.file}: the CSV header must name the columns id, text and created_at`,
          );
        return;
      }
      if (text === undefined) {
        drop(this.ctx.social.drop(SOURCE_NAME, 'invalid_utf8'));
        return;
      }
      const parsed: ParseResult =
        this.format === 'csv'
          ? parseCsvRecord(text, columns!, this.cfg.assumeLang)
          : parseNdjsonRecord(text, this.cfg.assumeLang);
      if (!parsed.ok) {
        drop(this.ctx.social.drop(SOURCE_NAME, parsed.reason));
        return;
      }
      const original = parsed.post.createdAtMs;
      if (previousOriginalMs !== undefined)
        offset += Math.min(MAX_PACED_GAP_MS, Math.max(0, original - previousOriginalMs));
      previousOriginalMs = original;
      const post = parsed.post;
      if (speed !== 'max') {
        const due = t0 + offset / speed;
        // `offset` is read after the wait too: it does not change while this record waits.
        if (due > performance.now()) return this.waitUntil(due).then(() => ingest(post, original));
      }
      ingest(post, original);
      return undefined;
    };

    const stream = createReadStream(this.file, { highWaterMark: READ_CHUNK_BYTES });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        summary.bytes += chunk.length;
        splitter.push(chunk, (e) => pending.push(e));
        for (const e of pending.splice(0)) {
          const waiting = handle(e);
          if (waiting) await waiting;
          if (this.stopping) break;
        }
        if (this.stopping) break;
        const now = performance.now();
        if (sinceTick >= TICK_EVERY_POSTS || now - lastTickMs >= 1000) {
          this.ctx.social.tick();
          sinceTick = 0;
          lastTickMs = now;
        }
        this.m.progress.set(size > 0 ? summary.bytes / size : 1);
        bar?.update(summary.bytes, summary.accepted);
      }
      if (!this.stopping) {
        splitter.end((e) => pending.push(e));
        for (const e of pending.splice(0)) {
          const waiting = handle(e);
          if (waiting) await waiting;
        }
      }
    } finally {
      stream.destroy();
      this.ctx.social.flushAll();
      this.m.progress.set(size > 0 ? summary.bytes / size : 1);
      bar?.done(summary.bytes, summary.accepted);
    }
    summary.elapsedMs = performance.now() - t0;
    return summary;
  }

  /** Sleeps until performance.now() reaches `due`, in short slices so stop() is prompt; ticks rollups meanwhile. */
  private async waitUntil(due: number): Promise<void> {
    while (!this.stopping) {
      const left = due - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(Math.max(left, MIN_SLEEP_MS), MAX_SLEEP_MS));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      // At thousands of posts a second every record waits about a millisecond: tick a few times a
      // second, not after every sleep.
      const now = performance.now();
      if (now - this.lastWaitTickMs >= MAX_SLEEP_MS) {
        this.ctx.social.tick();
        this.lastWaitTickMs = now;
      }
    }
  }
}
