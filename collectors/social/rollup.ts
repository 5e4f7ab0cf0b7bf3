// Per-interval `social` rollups, kept idempotent: an interval counts distinct post ids, so a post seen
// twice (a reconnect overlap, a replay) is counted once, and an interval written again carries the
// full count, overwriting the earlier point with the same timestamp. Pure: no clock, no I/O.
//
// Closing rule: an interval is emitted once `end + grace` has passed by event time, or by wall time
// when nothing was added to it for `grace` of wall time either. The second condition matters when old
// posts are replayed (wall time is hours past every interval): the interval still filling is not
// written over and over, each interval goes out once, complete. Rewrites of one interval are what
// concurrent write requests can apply out of order (the older, smaller count landing last).
// It stays in memory for `retain` more, so a late post re-emits it with the corrected count. Eviction
// follows event time only, so replaying old data at high speed does not evict what it is filling.
import { toLine } from '../../src/core/write/line.ts';
import type { SentimentLabel } from './types.ts';

interface Entry {
  score: number;
  label: SentimentLabel;
}

interface IntervalState {
  /** `${source}\u0000${topic}` -> post id -> entry */
  series: Map<string, Map<string, Entry>>;
  emitted: boolean;
  dirty: boolean;
  /** Wall time of the last post added. */
  lastAddMs: number;
  /** Rows added since the last `takeChanges()` (only when `journal` is on). */
  unsaved: RollupRow[];
  /** The emitted flag as of the last `takeChanges()`. */
  savedEmitted: boolean;
}

/** One post counted in one series: what the state journal stores (rollup-journal.ts). */
export type RollupRow = [source: string, topic: string, id: string, score: number, label: SentimentLabel];

/** What changed since the last `takeChanges()`: rows to append per interval, intervals evicted. */
export interface RollupChanges {
  intervals: Array<{ startMs: number; rows: RollupRow[]; emitted: boolean }>;
  evicted: number[];
}

export interface RollupOptions {
  intervalMs: number;
  graceMs: number;
  retainMs: number;
  /** Hard bound on intervals in memory. */
  maxIntervals?: number;
  /**
   * Keep the rows added since the last `takeChanges()`, so the state can be saved by appending what
   * is new instead of rewriting every retained interval (which at thousands of posts a second costs
   * more than the posts themselves).
   */
  journal?: boolean;
}

export interface RollupValues {
  source: string;
  topic: string;
  startMs: number;
  count: number;
  pos: number;
  neg: number;
  neu: number;
  scoreSum: number;
  scoreMean: number;
}

export type AddResult = 'added' | 'duplicate' | 'late';

export interface RollupSnapshot {
  intervalMs: number;
  maxEventMs: number;
  intervals: Array<{
    startMs: number;
    emitted: boolean;
    rows: RollupRow[];
  }>;
}

const SEP = '\u0000';

export class RollupAggregator {
  private readonly intervals = new Map<number, IntervalState>();
  private maxEventMs = 0;
  private evicted: number[] = [];

  constructor(private readonly o: RollupOptions) {}

  intervalStart(ms: number): number {
    return ms - (((ms % this.o.intervalMs) + this.o.intervalMs) % this.o.intervalMs);
  }

  add(source: string, topics: string[], id: string, createdAtMs: number, s: Entry, nowMs: number): AddResult {
    const start = this.intervalStart(createdAtMs);
    let st = this.intervals.get(start);
    if (!st) {
      if (start + this.o.intervalMs + this.o.retainMs < this.maxEventMs) return 'late';
      st = newInterval(false, nowMs);
      this.intervals.set(start, st);
    }
    let added = false;
    // One entry object for every topic of the post: hundreds of thousands are retained at high rates.
    let entry: Entry | undefined;
    for (const topic of topics) {
      const key = source + SEP + topic;
      let ids = st.series.get(key);
      if (!ids) st.series.set(key, (ids = new Map()));
      if (ids.has(id)) continue;
      ids.set(id, (entry ??= { score: s.score, label: s.label }));
      if (this.o.journal) st.unsaved.push([source, topic, id, s.score, s.label]);
      added = true;
    }
    if (!added) return 'duplicate';
    st.dirty = true;
    st.lastAddMs = nowMs;
    // A clock far ahead in one post must not evict everything: event time is clamped to wall time.
    this.maxEventMs = Math.max(this.maxEventMs, Math.min(createdAtMs, nowMs + 60_000));
    return 'added';
  }

  /** Intervals due (closed and changed since last emitted); marks them emitted and evicts old ones. */
  collect(nowMs: number, all = false): RollupValues[] {
    const out: RollupValues[] = [];
    for (const [start, st] of [...this.intervals.entries()].sort((a, b) => a[0] - b[0])) {
      const end = start + this.o.intervalMs;
      const closed =
        end + this.o.graceMs <= this.maxEventMs ||
        (end + this.o.graceMs <= nowMs && st.lastAddMs + this.o.graceMs <= nowMs);
      if (st.dirty && (all || closed)) {
        out.push(...values(start, st));
        st.dirty = false;
        st.emitted = true;
      }
      if (st.emitted && !st.dirty && end + this.o.retainMs < this.maxEventMs) this.evict(start);
    }
    const max = this.o.maxIntervals ?? 10_000;
    if (this.intervals.size > max) {
      const starts = [...this.intervals.keys()].sort((a, b) => a - b);
      for (const s of starts.slice(0, this.intervals.size - max)) {
        const st = this.intervals.get(s)!;
        if (st.dirty) out.push(...values(s, st));
        this.evict(s);
      }
    }
    return out;
  }

  openIntervals(): number {
    return this.intervals.size;
  }

  private evict(start: number): void {
    this.intervals.delete(start);
    if (this.o.journal) this.evicted.push(start);
  }

  /**
   * With `journal` on: the rows added and the emitted flags changed since the last call, and the
   * intervals evicted meanwhile; the next call reports only what happens after this one.
   */
  takeChanges(): RollupChanges {
    const intervals: RollupChanges['intervals'] = [];
    for (const [startMs, st] of this.intervals) {
      const emitted = st.emitted && !st.dirty;
      if (st.unsaved.length === 0 && emitted === st.savedEmitted) continue;
      intervals.push({ startMs, rows: st.unsaved, emitted });
      st.unsaved = [];
      st.savedEmitted = emitted;
    }
    const evicted = this.evicted;
    this.evicted = [];
    return { intervals, evicted };
  }

  /** Event time seen so far (saved with the state: it decides what is late and what is evicted). */
  maxEventTimeMs(): number {
    return this.maxEventMs;
  }

  snapshot(): RollupSnapshot {
    const intervals: RollupSnapshot['intervals'] = [];
    for (const [startMs, st] of this.intervals) {
      const rows: RollupSnapshot['intervals'][number]['rows'] = [];
      for (const [key, ids] of st.series) {
        const [source, topic] = key.split(SEP) as [string, string];
        for (const [id, e] of ids) rows.push([source, topic, id, e.score, e.label]);
      }
      intervals.push({ startMs, emitted: st.emitted && !st.dirty, rows });
    }
    return { intervalMs: this.o.intervalMs, maxEventMs: this.maxEventMs, intervals };
  }

  /**
   * Restores a snapshot taken with the same interval; a different interval is ignored. `saved`: the
   * rows came from the journal, so `takeChanges()` must not report them again.
   */
  restore(s: RollupSnapshot & { saved?: boolean }): boolean {
    if (s.intervalMs !== this.o.intervalMs) return false;
    this.maxEventMs = Math.max(this.maxEventMs, s.maxEventMs);
    // Restored rows are already saved where they came from, except when they come from the old
    // single-file snapshot: then the journal starts empty and must receive them all.
    const saved = s.saved ?? false;
    for (const iv of s.intervals) {
      const st = newInterval(iv.emitted, 0);
      st.dirty = !iv.emitted;
      st.savedEmitted = saved && iv.emitted;
      for (const row of iv.rows) {
        const [source, topic, id, score, label] = row;
        const key = source + SEP + topic;
        let ids = st.series.get(key);
        if (!ids) st.series.set(key, (ids = new Map()));
        ids.set(id, { score, label });
        if (this.o.journal && !saved) st.unsaved.push(row);
      }
      this.intervals.set(iv.startMs, st);
    }
    return true;
  }
}

function newInterval(emitted: boolean, lastAddMs: number): IntervalState {
  return { series: new Map(), emitted, dirty: false, lastAddMs, unsaved: [], savedEmitted: false };
}

function values(startMs: number, st: IntervalState): RollupValues[] {
  const out: RollupValues[] = [];
  for (const [key, ids] of st.series) {
    const [source, topic] = key.split(SEP) as [string, string];
    let pos = 0;
    let neg = 0;
    let neu = 0;
    let sum = 0;
    for (const e of ids.values()) {
      if (e.label === 'pos') pos++;
      else if (e.label === 'neg') neg++;
      else neu++;
      sum += e.score;
    }
    const count = ids.size;
    out.push({
      source,
      topic,
      startMs,
      count,
      pos,
      neg,
      neu,
      scoreSum: sum,
      scoreMean: count ? sum / count : 0,
    });
  }
  return out;
}

/**
 * Who wrote a rollup: the shard spec ("2/4"; "0/1" unsharded) and the collector instance. Readers sum
 * over shards and take the max over instances (replicas of one shard), see docs/scaling.md.
 */
export interface RollupWriterTags {
  shard: string;
  instance: string;
}

export const SINGLE_WRITER: RollupWriterTags = { shard: '0/1', instance: 'default' };

export function rollupLine(v: RollupValues, w: RollupWriterTags = SINGLE_WRITER): string {
  return toLine({
    measurement: 'social',
    tags: { source: v.source, topic: v.topic, shard: w.shard, instance: w.instance },
    fields: {
      count: { int: v.count },
      pos: { int: v.pos },
      neg: { int: v.neg },
      neu: { int: v.neu },
      score_sum: round(v.scoreSum),
      score_mean: round(v.scoreMean),
      net: v.count ? round((v.pos - v.neg) / v.count) : 0,
    },
    timeNs: (BigInt(v.startMs) * 1_000_000n).toString(),
  });
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
