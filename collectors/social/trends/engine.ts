// Trending and emerging terms and share of voice, per topic and interval. Pure: no clock, no I/O.
//
// Hot path (add): each distinct term of a post goes into
//   - a count-min sketch of its topic and largest interval ("hour"): the raw material of the baseline,
//     and the doorkeeper of the counter (a term enters it on its second sighting in the hour);
//   - a bounded Frequent counter of its topic and smallest interval ("base slot"): which terms, how often.
// Interval close (collect): an interval's counters are merged (a 1h interval is twelve 5m slots), every
// held term is scored against the trailing baseline (score.ts), the top N written; when the largest
// interval closes, its sketch is added into a ring of baseline slots (a day each for a 7-day baseline).
//
// Baseline of an interval: the ring's slots that end after `anchor - baseline`, where anchor is the
// start of the largest interval containing it; the data of the anchor's own hour is never in it, so
// a burst does not hide itself. With 7 slots plus the current one, it covers 7 to 8 days.
//
// Closing rule: an interval is ranked once `end + grace` has passed by event time (the latest post's
// time), or by wall time once no post has come for IDLE_CLOSE_MS. Event time first, because history
// replayed at full speed is far behind the wall clock and must not be ranked after its first minute.
// Unlike rollups an interval is ranked once: posts for a base slot already ranked are late (counted
// by the caller, left out). Memory is bounded by topics x (slots per largest interval x 2 capacity
// terms + (ring slots + 2) sketches), whatever the number of posts or distinct terms.
import { CountMinSketch } from './count-min.ts';
import { FrequentCounter } from './frequent.ts';
import { expectedCount, logLikelihoodRatio } from './score.ts';
import { createPostTerms, postTermsOf, type PostTerms } from './terms.ts';
import { ThemeSample } from './sample.ts';
import { runThemes, type ThemeOptions, type ThemeResult } from './themes.ts';
import { mulberry32 } from '../../../src/core/random.ts';

/** Baseline slots in the ring (besides the current one): a day each for the default 7-day baseline. */
export const BASELINE_RING_SLOTS = 7;
/** Topic and term pairs remembered for the emerging-event cooldown. */
export const MAX_EMERGING_REMEMBERED = 10_000;
/** With no post for this long (wall time), intervals close by the wall clock. */
export const IDLE_CLOSE_MS = 30_000;
const THEME_SAMPLE_SEED = 0x7e4d5;

export interface TrendEngineOptions {
  /** Interval lengths, each a multiple of the smallest and a divisor of the largest. */
  intervalsMs: number[];
  /** Trailing baseline the intervals are compared with. */
  baselineMs: number;
  /** Terms written per topic and interval. */
  topN: number;
  /** Fewest posts a term needs in an interval to be ranked. */
  minCount: number;
  /** Frequent-counter capacity k per topic and base slot (error bound N/(k+1)). */
  capacity: number;
  sketchWidth: number;
  sketchDepth: number;
  /** How long after an interval ends it is ranked (late posts still count until then). */
  graceMs: number;
  emerging: {
    /** Fewest posts in the interval. */
    minCount: number;
    /** Largest baseline count, as a share of the count, for a term still to be "new". */
    maxBaselineRatio: number;
    /** Baseline history needed before anything is called new. */
    warmupMs: number;
    /** A topic's term is reported as an event at most once per this long. */
    cooldownMs: number;
    /** Events per topic and interval at most. */
    maxPerInterval: number;
  };
  /** Themes: run when a largest interval ending on a multiple of periodMs closes; absent = off. */
  themes?: ThemeOptions & { periodMs: number; samplePosts: number };
  /** The coin a topic pairs with (share of voice); topics without one are left out of it. */
  coinOf: (topic: string) => string | undefined;
}

export interface TrendRow {
  intervalMs: number;
  startMs: number;
  topic: string;
  rank: number;
  term: string;
  count: number;
  baselineCount: number;
  score: number;
  emerging: boolean;
}

export interface EmergingRow {
  intervalMs: number;
  startMs: number;
  topic: string;
  /** Order among the interval's events (by score): the tag that keeps two events apart. */
  rank: number;
  term: string;
  count: number;
  baselineCount: number;
  score: number;
}

export interface ShareRow {
  intervalMs: number;
  startMs: number;
  symbol: string;
  count: number;
  total: number;
  share: number;
}

export interface ThemeRow extends ThemeResult {
  topic: string;
  /** Start of the window of posts the themes were fitted on, and its end. */
  startMs: number;
  endMs: number;
}

export interface TrendOutput {
  trends: TrendRow[];
  emerging: EmergingRow[];
  share: ShareRow[];
  themes: ThemeRow[];
}

interface BaseSlot {
  counter: FrequentCounter;
  /** Posts of the topic in the slot. */
  posts: number;
}

interface RingEntry {
  index: number;
  sketch: CountMinSketch;
}

interface TopicState {
  slots: Map<number, BaseSlot>;
  /** Largest-interval start -> sketch of its terms, merged into the ring when it closes. */
  open: Map<number, CountMinSketch>;
  ring: Array<RingEntry | undefined>;
  /** The period's posts the themes are fitted on (a uniform sample). */
  sample: ThemeSample | undefined;
  /** The slot and sketch of the latest post (nearly every post has the same): no map lookup. */
  curB: number;
  curSlot: BaseSlot | undefined;
  curG: number;
  curSketch: CountMinSketch | undefined;
}

export type TrendAddResult = 'added' | 'late';

export interface TrendSnapshot {
  version: 1;
  intervalsMs: number[];
  baselineMs: number;
  maxEventMs: number;
  firstMs: number | null;
  emittedUntil: number[];
  coins: Array<[number, Array<[string, number]>]>;
  emergingSeen: Array<[string, number]>;
  topics: Array<{
    topic: string;
    slots: Array<[number, number, ReturnType<FrequentCounter['snapshot']>]>;
    open: Array<[number, number, string]>;
    ring: Array<[number, number, string]>;
    sample: string[][];
    /** Posts offered to the themes' sample this period (absent in older snapshots). */
    sampleSeen?: number;
  }>;
}

const SEP = '\u0000';

export class TrendEngine {
  readonly base: number;
  readonly largest: number;
  /** Length of one baseline ring slot and how many make the baseline. */
  readonly ringSlotMs: number;
  readonly ringSlots: number;
  private readonly topics = new Map<string, TopicState>();
  /** Base slot start -> coin -> posts (share of voice). */
  private readonly coins = new Map<number, Map<string, number>>();
  /** Per interval size (by position): everything ending at or before this is ranked. */
  private readonly emittedUntil: number[];
  private readonly emergingSeen = new Map<string, number>();
  private maxEventMs = 0;
  private lastAddNowMs = -Infinity;
  private firstMs: number | undefined;
  private readonly coinBuf: string[] = [];
  /** The coins map of the latest post's base slot (a map lookup saved per post). */
  private coinsB = NaN;
  private coinsCur: Map<string, number> | undefined;
  private readonly termsBuf = createPostTerms();
  /** Draws of the themes' samples: seeded, so a run is reproducible. */
  private readonly sampleRandom = mulberry32(THEME_SAMPLE_SEED);

  constructor(readonly o: TrendEngineOptions) {
    const iv = [...o.intervalsMs].sort((a, b) => a - b);
    if (iv.length === 0 || iv.some((x) => !(Number.isInteger(x) && x > 0)))
      throw new RangeError('[trends] intervals must be positive whole milliseconds');
    this.base = iv[0]!;
    this.largest = iv[iv.length - 1]!;
    for (const x of iv) {
      if (x % this.base !== 0 || this.largest % x !== 0)
        throw new RangeError(
          `[trends] interval ${x} ms must be a multiple of ${this.base} ms and divide ${this.largest} ms`,
        );
    }
    this.o = { ...o, intervalsMs: iv };
    this.ringSlotMs =
      this.largest * Math.max(1, Math.ceil(o.baselineMs / (BASELINE_RING_SLOTS * this.largest)));
    this.ringSlots = Math.max(1, Math.ceil(o.baselineMs / this.ringSlotMs));
    this.emittedUntil = iv.map(() => -Infinity);
  }

  /** Counts one post's distinct terms, given as text, for its topics. */
  add(
    topics: readonly string[],
    terms: readonly string[],
    createdAtMs: number,
    nowMs: number,
  ): TrendAddResult {
    return this.addTerms(topics, postTermsOf(terms, this.termsBuf), createdAtMs, nowMs);
  }

  /** Counts one post's distinct terms (TermExtractor.extractInto) for its topics. */
  addTerms(topics: readonly string[], terms: PostTerms, createdAtMs: number, nowMs: number): TrendAddResult {
    const b = floorTo(createdAtMs, this.base);
    if (b + this.base <= this.emittedUntil[0]!) return 'late';
    const g = floorTo(createdAtMs, this.largest);
    this.firstMs = this.firstMs === undefined ? b : Math.min(this.firstMs, b);
    const coins = this.coinBuf;
    coins.length = 0;
    for (const topic of topics) {
      const coin = this.o.coinOf(topic);
      if (coin !== undefined && !coins.includes(coin)) coins.push(coin);
      const st = this.topicState(topic);
      const slot = st.curB === b && st.curSlot !== undefined ? st.curSlot : this.slotOf(st, b);
      slot.posts++;
      const sketch = st.curG === g && st.curSketch !== undefined ? st.curSketch : this.sketchOf(st, g);
      // The hour's sketch is also the doorkeeper: a term enters the slot's counter on its second
      // sighting in the hour; a first sighting (estimate 1, exact: a sketch never under-counts) costs
      // no map lookup and no text.
      for (let i = 0; i < terms.n; i++) {
        const est = sketch.addHashEstimate(terms.hashes[i]!);
        if (est >= 2) slot.counter.addSeenHash(terms.hashes[i]!, terms.first[i]!, terms.second[i], est);
        else slot.counter.countOnly();
      }
      st.sample?.offer(terms);
    }
    if (coins.length) {
      let m = this.coinsB === b ? this.coinsCur : undefined;
      if (!m) {
        m = this.coins.get(b);
        if (!m) this.coins.set(b, (m = new Map()));
        this.coinsB = b;
        this.coinsCur = m;
      }
      for (const c of coins) m.set(c, (m.get(c) ?? 0) + 1);
    }
    // A clock far ahead in one post must not close everything: event time is clamped to wall time.
    this.maxEventMs = Math.max(this.maxEventMs, Math.min(createdAtMs, nowMs + 60_000));
    this.lastAddNowMs = nowMs;
    return 'added';
  }

  /** Ranks the intervals that are due (all: every open one, e.g. at the end of a file). */
  collect(nowMs: number, all = false): TrendOutput {
    const out: TrendOutput = { trends: [], emerging: [], share: [], themes: [] };
    const idle = nowMs - this.lastAddNowMs >= Math.max(IDLE_CLOSE_MS, this.o.graceMs);
    const clock = idle ? Math.max(this.maxEventMs, nowMs) : this.maxEventMs;
    const starts = new Set<number>();
    for (const st of this.topics.values()) for (const b of st.slots.keys()) starts.add(b);
    for (const b of this.coins.keys()) starts.add(b);
    const due: Array<{ end: number; k: number; start: number }> = [];
    this.o.intervalsMs.forEach((size, k) => {
      const seen = new Set<number>();
      for (const b of starts) {
        const g = floorTo(b, size);
        if (seen.has(g) || g + size <= this.emittedUntil[k]!) continue;
        seen.add(g);
        if (all || g + size + this.o.graceMs <= clock) due.push({ end: g + size, k, start: g });
      }
    });
    // Smaller intervals first at equal ends: the hour they belong to joins the baseline only after them.
    due.sort((a, b) => a.end - b.end || a.k - b.k);
    for (const d of due) {
      const size = this.o.intervalsMs[d.k]!;
      this.rank(d.start, size, out);
      this.shareOfVoice(d.start, size, out);
      this.emittedUntil[d.k] = Math.max(this.emittedUntil[d.k]!, d.end);
      if (size === this.largest) this.closeLargest(d.start, out);
    }
    return out;
  }

  /** Open base slots over all topics (a gauge). */
  openSlots(): number {
    let n = 0;
    for (const st of this.topics.values()) n += st.slots.size;
    return n;
  }

  private topicState(topic: string): TopicState {
    let st = this.topics.get(topic);
    if (!st) {
      const th = this.o.themes;
      st = {
        slots: new Map(),
        open: new Map(),
        ring: [],
        sample: th ? new ThemeSample(th.samplePosts, this.sampleRandom) : undefined,
        curB: NaN,
        curSlot: undefined,
        curG: NaN,
        curSketch: undefined,
      };
      this.topics.set(topic, st);
    }
    return st;
  }

  private slotOf(st: TopicState, b: number): BaseSlot {
    let slot = st.slots.get(b);
    if (!slot) st.slots.set(b, (slot = { counter: new FrequentCounter(this.o.capacity), posts: 0 }));
    st.curB = b;
    st.curSlot = slot;
    return slot;
  }

  private sketchOf(st: TopicState, g: number): CountMinSketch {
    let sketch = st.open.get(g);
    if (!sketch) st.open.set(g, (sketch = new CountMinSketch(this.o.sketchWidth, this.o.sketchDepth)));
    st.curG = g;
    st.curSketch = sketch;
    return sketch;
  }

  /** Baseline counts of a topic for intervals anchored at `anchor`: estimate(term hash), total, coverage. */
  private baseline(
    st: TopicState,
    anchor: number,
  ): { estimate: (h: number) => number; total: number; coveredMs: number } {
    const kA = Math.floor(anchor / this.ringSlotMs);
    const entries = st.ring.filter(
      (e): e is RingEntry => !!e && e.index >= kA - this.ringSlots && e.index <= kA,
    );
    const total = entries.reduce((s, e) => s + e.sketch.total, 0);
    const windowStart = (kA - this.ringSlots) * this.ringSlotMs;
    const first = this.firstMs === undefined ? anchor : floorTo(this.firstMs, this.largest);
    const coveredMs = Math.max(0, anchor - Math.max(windowStart, first));
    return {
      estimate: (h) => {
        let s = 0;
        for (const e of entries) s += e.sketch.estimateHash(h);
        return s;
      },
      total,
      coveredMs,
    };
  }

  private rank(start: number, size: number, out: TrendOutput): void {
    const anchor = floorTo(start, this.largest);
    for (const [topic, st] of this.topics) {
      const merged = new FrequentCounter(this.o.capacity);
      let any = false;
      for (let b = start; b < start + size; b += this.base) {
        const slot = st.slots.get(b);
        if (slot) {
          merged.merge(slot.counter);
          any = true;
        }
      }
      if (!any) continue;
      const n = merged.size();
      const bl = this.baseline(st, anchor);
      const e = this.o.emerging;
      const warm = bl.coveredMs >= e.warmupMs && bl.total > 0;
      const scored: Array<Omit<TrendRow, 'rank'>> = [];
      merged.forEach((term, count, h) => {
        if (count < this.o.minCount) return;
        const b = bl.estimate(h);
        const score = logLikelihoodRatio(count, n, b, bl.total);
        if (bl.total > 0 && score <= 0) return;
        const baselineCount = expectedCount(n, b, bl.total);
        const emerging = warm && count >= e.minCount && baselineCount <= e.maxBaselineRatio * count;
        scored.push({ intervalMs: size, startMs: start, topic, term, count, baselineCount, score, emerging });
      });
      scored.sort(
        (x, y) => y.score - x.score || y.count - x.count || (x.term < y.term ? -1 : x.term > y.term ? 1 : 0),
      );
      scored.slice(0, this.o.topN).forEach((r, i) => out.trends.push({ ...r, rank: i + 1 }));
      let events = 0;
      for (const r of scored) {
        if (!r.emerging || events >= e.maxPerInterval) continue;
        const key = `${size}${SEP}${topic}${SEP}${r.term}`;
        const last = this.emergingSeen.get(key);
        if (last !== undefined && start - last < e.cooldownMs && start >= last) continue;
        this.remember(key, start);
        events++;
        out.emerging.push({
          intervalMs: size,
          startMs: start,
          topic,
          rank: events,
          term: r.term,
          count: r.count,
          baselineCount: r.baselineCount,
          score: r.score,
        });
      }
    }
  }

  private remember(key: string, start: number): void {
    this.emergingSeen.delete(key);
    this.emergingSeen.set(key, start);
    if (this.emergingSeen.size > MAX_EMERGING_REMEMBERED) {
      const oldest = this.emergingSeen.keys().next().value;
      if (oldest !== undefined) this.emergingSeen.delete(oldest);
    }
  }

  private shareOfVoice(start: number, size: number, out: TrendOutput): void {
    const counts = new Map<string, number>();
    for (let b = start; b < start + size; b += this.base) {
      const m = this.coins.get(b);
      if (m) for (const [c, n] of m) counts.set(c, (counts.get(c) ?? 0) + n);
    }
    let total = 0;
    for (const n of counts.values()) total += n;
    if (total === 0) return;
    for (const [symbol, count] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
      out.share.push({ intervalMs: size, startMs: start, symbol, count, total, share: count / total });
  }

  /** The largest interval at `start` is ranked: its sketches join the baseline, its slots go. */
  private closeLargest(start: number, out: TrendOutput): void {
    const end = start + this.largest;
    const th = this.o.themes;
    for (const [topic, st] of this.topics) {
      const sketch = st.open.get(start);
      if (sketch) {
        st.open.delete(start);
        const k = Math.floor(start / this.ringSlotMs);
        const pos = k % (this.ringSlots + 1);
        const e = st.ring[pos];
        if (e && e.index === k) e.sketch.merge(sketch);
        else if (!e || e.index < k) st.ring[pos] = { index: k, sketch };
      }
      for (const b of [...st.slots.keys()]) if (b < end) st.slots.delete(b);
      st.curSlot = undefined;
      st.curSketch = undefined;
      if (th && st.sample && end % th.periodMs === 0) {
        const docs = st.sample.posts();
        const res = docs.length > 0 ? runThemes(docs, th) : [];
        for (const r of res) out.themes.push({ ...r, topic, startMs: end - th.periodMs, endMs: end });
        st.sample.clear();
      }
    }
    for (const b of [...this.coins.keys()]) if (b < end) this.coins.delete(b);
    this.coinsCur = undefined;
  }

  snapshot(): TrendSnapshot {
    return {
      version: 1,
      intervalsMs: this.o.intervalsMs,
      baselineMs: this.o.baselineMs,
      maxEventMs: this.maxEventMs,
      firstMs: this.firstMs ?? null,
      emittedUntil: this.emittedUntil.map((x) => (Number.isFinite(x) ? x : -1)),
      coins: [...this.coins].map(([b, m]) => [b, [...m]]),
      emergingSeen: [...this.emergingSeen],
      topics: [...this.topics].map(([topic, st]) => ({
        topic,
        slots: [...st.slots].map(([b, s]) => [b, s.posts, s.counter.snapshot()]),
        open: [...st.open].map(([g, s]) => [g, s.total, s.toBase64()]),
        ring: st.ring
          .filter((e): e is RingEntry => !!e)
          .map((e) => [e.index, e.sketch.total, e.sketch.toBase64()]),
        ...(st.sample?.snapshot() ?? { sample: [] }),
      })),
    };
  }

  /** Restores a snapshot taken with the same intervals and baseline; any other is ignored (false). */
  restore(s: TrendSnapshot): boolean {
    if (
      s.version !== 1 ||
      s.baselineMs !== this.o.baselineMs ||
      s.intervalsMs.join(',') !== this.o.intervalsMs.join(',')
    )
      return false;
    const { sketchWidth: w, sketchDepth: d } = this.o;
    this.maxEventMs = s.maxEventMs;
    this.firstMs = s.firstMs ?? undefined;
    s.emittedUntil.forEach((x, k) => (this.emittedUntil[k] = x < 0 ? -Infinity : x));
    for (const [b, pairs] of s.coins) this.coins.set(b, new Map(pairs));
    this.coinsCur = undefined;
    for (const [k, v] of s.emergingSeen) this.emergingSeen.set(k, v);
    for (const t of s.topics) {
      const st = this.topicState(t.topic);
      for (const [b, posts, c] of t.slots)
        st.slots.set(b, { posts, counter: FrequentCounter.restore(this.o.capacity, c) });
      for (const [g, total, b64] of t.open) st.open.set(g, CountMinSketch.fromBase64(w, d, total, b64));
      for (const [index, total, b64] of t.ring)
        st.ring[index % (this.ringSlots + 1)] = {
          index,
          sketch: CountMinSketch.fromBase64(w, d, total, b64),
        };
      st.sample?.restore(t.sample, t.sampleSeen);
      st.curSlot = undefined;
      st.curSketch = undefined;
    }
    return true;
  }
}

function floorTo(ms: number, size: number): number {
  return ms - (((ms % size) + size) % size);
}
