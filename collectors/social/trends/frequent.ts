// Bounded counting of the frequent terms of one interval: the Misra-Gries "Frequent" summary with a
// batched decrement (Misra & Gries 1982; Berinde et al. 2010). It holds at most 3k terms. When it is
// full, the (k+1)-th largest count d (found in linear time) is subtracted from every counter and the
// ones at 0 or below go, so a batch makes room for about 2k new terms at once.
// Each batch removes at least d(k+1) from the total, so the decrements sum to at most N/(k+1):
//
//   true count - N/(k+1) <= estimate <= true count       (N = occurrences added so far)
//
// and every term with a true count above N/(k+1) is held. Exact while fewer than 3k distinct terms
// have been seen (the replay tests and small topics). Summaries merge by adding counts and pruning
// again; the bound becomes the sum of the parts' N/(k+1) = N_total/(k+1) (Agarwal et al. 2012).
//
// On the hot path terms come in through addSeenHash(), behind a doorkeeper (the hour's count-min
// sketch, as TinyLFU does): a term not held is taken in on its second sighting in the hour with both
// sightings counted, credited to the slot of the second; a sketch collision can add or lose that one
// sighting. So, per interval:
//
//   true count - N/(k+1) - 1 <= estimate <= true count + 1
//
// and a term seen once in the hour is not held (minCount is at least 2).
//
// Layout: the held terms live in dense, insertion-ordered arrays (hash, count, words) indexed by an
// open-addressing table of 32-bit term hashes, so a lookup is a few typed-array reads, an insert
// allocates nothing once the arrays have grown, and a bigram's text is built only when it is read.
import { hashTerm } from './count-min.ts';

/** The summary holds up to SLACK x capacity terms between two batches. */
export const SLACK = 3;
/** Entries the arrays start with; they double as needed (up to SLACK x capacity + 1 between batches, more while merging). */
const INITIAL_ENTRIES = 64;

/** Whether `t` is the text `${a} ${b}` (b given) or `a`. */
function isText(t: string, a: string, b: string | undefined): boolean {
  if (b === undefined) return t === a;
  return (
    t.length === a.length + 1 + b.length &&
    t.charCodeAt(a.length) === 0x20 &&
    t.startsWith(a) &&
    t.endsWith(b)
  );
}

export class FrequentCounter {
  /** Entries 0..n-1, in insertion order: the term's hashTerm() (as int32), its count, its words. */
  private hashes: Int32Array;
  private counts: Float64Array;
  /** The term's text, or the first word of a bigram whose second word is in `seconds`. */
  private firsts: string[] = [];
  private seconds: Array<string | undefined> = [];
  /**
   * Open addressing over the hashes, pairs (hash, entry index + 1; 0 = empty), at most half full: a
   * probe reads one cache line, and a term not held (most lookups) touches nothing else.
   */
  private table: Int32Array;
  private mask: number;
  private n = 0;
  /** Sum of the decrements so far: the largest possible under-count of any estimate. */
  private errorBound = 0;
  private total = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`[trends] counter capacity must be a positive integer, got ${capacity}`);
    const entries = Math.min(INITIAL_ENTRIES, SLACK * capacity + 1);
    this.hashes = new Int32Array(entries);
    this.counts = new Float64Array(entries);
    this.table = new Int32Array(2 * tableSize(entries));
    this.mask = this.table.length / 2 - 1;
  }

  /** Index of the term `a` (or the bigram `a b`) with hash `h`, or -1. Equal hashes are told apart by text. */
  private find(h: number, a: string, b: string | undefined): number {
    const key = h | 0;
    const t = this.table;
    for (let pos = mix(key) & this.mask; ; pos = (pos + 1) & this.mask) {
      const slot = t[2 * pos + 1]!;
      if (slot === 0) return -1;
      if (t[2 * pos] === key && this.same(slot - 1, a, b)) return slot - 1;
    }
  }

  private same(e: number, a: string, b: string | undefined): boolean {
    const f = this.firsts[e]!;
    const s = this.seconds[e];
    if (s === undefined) return isText(f, a, b);
    if (b !== undefined) return f === a && s === b;
    return isText(a, f, s);
  }

  add(term: string, n = 1): void {
    this.total += n;
    const h = hashTerm(term);
    const e = this.find(h, term, undefined);
    if (e >= 0) this.counts[e]! += n;
    else this.insert(h, term, undefined, n);
  }

  /**
   * Adds an occurrence behind a doorkeeper: a term not held yet is taken in only once it is seen a
   * second time (`seenBefore` from the caller's sketch: 1 = first, 2 = second, more = held before
   * or counted in another slot). Most terms of social text are seen once; they never reach the map.
   */
  addSeen(term: string, seenBefore: number): void {
    this.addSeenHash(hashTerm(term), term, undefined, seenBefore);
  }

  /**
   * addSeen() for the term whose hashTerm() is `h`, given as `a` or, for a bigram, `a` and `b`
   * (its text `${a} ${b}` is built only when read).
   */
  addSeenHash(h: number, a: string, b: string | undefined, seenBefore: number): void {
    this.total++;
    const e = this.find(h, a, b);
    if (e >= 0) this.counts[e]!++;
    // The first occurrence was only in the sketch: it is counted now (once per largest interval).
    else if (seenBefore >= 2) this.insert(h, a, b, seenBefore === 2 ? 2 : 1);
  }

  /** Counts an occurrence the doorkeeper kept out (a first sighting): only the total grows. */
  countOnly(): void {
    this.total++;
  }

  /** Occurrences added, held or not. */
  size(): number {
    return this.total;
  }

  /** Largest possible under-count of any estimate. */
  maxError(): number {
    return this.errorBound;
  }

  get(term: string): number {
    const e = this.find(hashTerm(term), term, undefined);
    return e >= 0 ? this.counts[e]! : 0;
  }

  /** Text of entry e. */
  private text(e: number): string {
    const s = this.seconds[e];
    return s === undefined ? this.firsts[e]! : `${this.firsts[e]!} ${s}`;
  }

  /** Every held term with its count and hashTerm(), in insertion order. */
  forEach(f: (term: string, count: number, hash: number) => void): void {
    for (let e = 0; e < this.n; e++) f(this.text(e), this.counts[e]!, this.hashes[e]! >>> 0);
  }

  entries(): IterableIterator<[string, number]> {
    const out: Array<[string, number]> = [];
    this.forEach((t, c) => out.push([t, c]));
    return out[Symbol.iterator]();
  }

  held(): number {
    return this.n;
  }

  /** Adds another summary into this one (the bounds add). */
  merge(other: FrequentCounter): void {
    this.total += other.total;
    this.errorBound += other.errorBound;
    for (let o = 0; o < other.n; o++) {
      const a = other.firsts[o]!;
      const b = other.seconds[o];
      const h = other.hashes[o]!;
      const e = this.find(h, a, b);
      if (e >= 0) this.counts[e]! += other.counts[o]!;
      else this.insertNoPrune(h, a, b, other.counts[o]!);
    }
    this.pruneIfFull();
  }

  snapshot(): { total: number; errorBound: number; counts: Array<[string, number]> } {
    return { total: this.total, errorBound: this.errorBound, counts: [...this.entries()] };
  }

  static restore(
    capacity: number,
    s: { total: number; errorBound: number; counts: Array<[string, number]> },
  ): FrequentCounter {
    const f = new FrequentCounter(capacity);
    f.total = s.total;
    f.errorBound = s.errorBound;
    for (const [t, c] of s.counts) f.insertNoPrune(hashTerm(t), t, undefined, c);
    f.pruneIfFull();
    return f;
  }

  /** A new entry, then a batch decrement if the summary is full. */
  private insert(h: number, a: string, b: string | undefined, c: number): void {
    this.insertNoPrune(h, a, b, c);
    this.pruneIfFull();
  }

  private pruneIfFull(): void {
    if (this.n > SLACK * this.capacity) this.prune();
  }

  private insertNoPrune(h: number, a: string, b: string | undefined, c: number): void {
    if (this.n === this.hashes.length) this.grow();
    const e = this.n++;
    this.hashes[e] = h | 0;
    this.counts[e] = c;
    this.firsts[e] = a;
    this.seconds[e] = b;
    this.place(e);
  }

  /** Puts entry e into the table (its hash is not there with the same text). */
  private place(e: number): void {
    const key = this.hashes[e]!;
    let pos = mix(key) & this.mask;
    while (this.table[2 * pos + 1] !== 0) pos = (pos + 1) & this.mask;
    this.table[2 * pos] = key;
    this.table[2 * pos + 1] = e + 1;
  }

  private grow(): void {
    const size = this.hashes.length * 2;
    const hashes = new Int32Array(size);
    hashes.set(this.hashes);
    const counts = new Float64Array(size);
    counts.set(this.counts);
    this.hashes = hashes;
    this.counts = counts;
    this.table = new Int32Array(2 * tableSize(size));
    this.mask = this.table.length / 2 - 1;
    for (let e = 0; e < this.n; e++) this.place(e);
  }

  /** The batch decrement: subtract the (k+1)-th largest count, drop what reaches 0, keep the order. */
  private prune(): void {
    const d = this.capacity < this.n ? kthLargest(this.counts.slice(0, this.n), this.capacity) : 0;
    if (d <= 0) return;
    this.errorBound += d;
    let k = 0;
    for (let e = 0; e < this.n; e++) {
      const c = this.counts[e]!;
      if (c <= d) continue;
      this.hashes[k] = this.hashes[e]!;
      this.counts[k] = c - d;
      this.firsts[k] = this.firsts[e]!;
      this.seconds[k] = this.seconds[e];
      k++;
    }
    // Dropped words are released (they would otherwise keep their posts' strings alive).
    this.firsts.length = k;
    this.seconds.length = k;
    this.n = k;
    this.table.fill(0);
    for (let e = 0; e < k; e++) this.place(e);
  }
}

/** Table slots for `entries`: a power of two at least twice as many (probes stay short). */
function tableSize(entries: number): number {
  let s = 16;
  while (s < 2 * entries) s *= 2;
  return s;
}

/** Spreads FNV hashes over the table (their low bits are weak). */
function mix(h: number): number {
  const x = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return x ^ (x >>> 16);
}

/** The k-th largest value (0-based) of `a`, reordering it: Hoare's selection, linear on average. */
export function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
