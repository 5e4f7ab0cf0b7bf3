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
// On the hot path terms come in through addSeen(), behind a doorkeeper (the hour's count-min sketch,
// as TinyLFU does): most terms of social text are seen once and never enter the map. A term enters on
// its second sighting in the hour with both sightings counted, credited to the slot of the second; a
// sketch collision can add or lose that one sighting. So, per interval:
//
//   true count - N/(k+1) - 1 <= estimate <= true count + 1
//
// and a term seen once in the hour is not held (minCount is at least 2).

import { hashTerm } from './count-min.ts';

/** The summary holds up to SLACK x capacity terms between two batches. */
export const SLACK = 3;

/** A held term: its text, its hashTerm() (the map key), its count; terms sharing a hash are chained. */
interface Cell {
  term: string;
  h: number;
  c: number;
  next: Cell | undefined;
}

/** Whether `t` is the term `a` (b undefined) or the bigram `${a} ${b}`, without building the latter. */
function sameTerm(t: string, a: string, b: string | undefined): boolean {
  if (b === undefined) return t === a;
  return (
    t.length === a.length + 1 + b.length &&
    t.charCodeAt(a.length) === 0x20 &&
    t.startsWith(a) &&
    t.endsWith(b)
  );
}

export class FrequentCounter {
  /**
   * Cells keyed by the term's 32-bit hash (a number key: no string hashing per lookup, and a bigram's
   * text is built only when it enters). Distinct terms with one hash are kept apart in a chain.
   */
  private readonly counts = new Map<number, Cell>();
  /** Terms held (cells, chained ones included). */
  private n = 0;
  /** Sum of the decrements so far: the largest possible under-count of any term. */
  private errorBound = 0;
  private total = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`[trends] counter capacity must be a positive integer, got ${capacity}`);
  }

  private find(h: number, a: string, b: string | undefined): Cell | undefined {
    let cell = this.counts.get(h | 0);
    while (cell !== undefined && !sameTerm(cell.term, a, b)) cell = cell.next;
    return cell;
  }

  /** A new cell, then a batch decrement if the summary is full. */
  private insert(h: number, term: string, c: number): void {
    this.insertNoPrune(h, term, c);
    if (this.n > SLACK * this.capacity) this.prune();
  }

  add(term: string, n = 1): void {
    this.total += n;
    const h = hashTerm(term);
    const cell = this.find(h, term, undefined);
    if (cell !== undefined) cell.c += n;
    else this.insert(h, term, n);
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
   * (its text `${a} ${b}` is built only if it enters the map).
   */
  addSeenHash(h: number, a: string, b: string | undefined, seenBefore: number): void {
    this.total++;
    const cell = this.find(h, a, b);
    if (cell !== undefined) cell.c++;
    else if (seenBefore >= 2) {
      // The first occurrence was only in the sketch: it is counted now (once per largest interval).
      this.insert(h, b === undefined ? a : `${a} ${b}`, seenBefore === 2 ? 2 : 1);
    }
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
    return this.find(hashTerm(term), term, undefined)?.c ?? 0;
  }

  private *cells(): IterableIterator<Cell> {
    for (const head of this.counts.values())
      for (let cell: Cell | undefined = head; cell !== undefined; cell = cell.next) yield cell;
  }

  private *pairs(): IterableIterator<[string, number]> {
    for (const cell of this.cells()) yield [cell.term, cell.c];
  }

  entries(): IterableIterator<[string, number]> {
    return this.pairs();
  }

  held(): number {
    return this.n;
  }

  /** Adds another summary into this one (the bounds add). */
  merge(other: FrequentCounter): void {
    this.total += other.total;
    this.errorBound += other.errorBound;
    for (const o of other.cells()) {
      const cell = this.find(o.h, o.term, undefined);
      if (cell !== undefined) cell.c += o.c;
      else this.insertNoPrune(o.h, o.term, o.c);
    }
    if (this.n > SLACK * this.capacity) this.prune();
  }

  /** A new cell, at the end of its hash's chain (so entries keep their insertion order). */
  private insertNoPrune(h: number, term: string, c: number): void {
    const key = h | 0;
    const cell: Cell = { term, h: key, c, next: undefined };
    let last = this.counts.get(key);
    if (last === undefined) this.counts.set(key, cell);
    else {
      while (last.next !== undefined) last = last.next;
      last.next = cell;
    }
    this.n++;
  }

  snapshot(): { total: number; errorBound: number; counts: Array<[string, number]> } {
    return { total: this.total, errorBound: this.errorBound, counts: [...this.pairs()] };
  }

  static restore(
    capacity: number,
    s: { total: number; errorBound: number; counts: Array<[string, number]> },
  ): FrequentCounter {
    const f = new FrequentCounter(capacity);
    f.total = s.total;
    f.errorBound = s.errorBound;
    for (const [t, c] of s.counts) f.insertNoPrune(hashTerm(t), t, c);
    if (f.n > SLACK * capacity) f.prune();
    return f;
  }

  private prune(): void {
    const values = new Float64Array(this.n);
    let k = 0;
    for (const cell of this.cells()) values[k++] = cell.c;
    const d = this.capacity < values.length ? kthLargest(values, this.capacity) : 0;
    if (d <= 0) return;
    this.errorBound += d;
    for (const [h, head] of this.counts) {
      let first: Cell | undefined;
      let tail: Cell | undefined;
      for (let cell: Cell | undefined = head; cell !== undefined;) {
        const next: Cell | undefined = cell.next;
        if (cell.c <= d) this.n--;
        else {
          cell.c -= d;
          cell.next = undefined;
          if (tail === undefined) first = cell;
          else tail.next = cell;
          tail = cell;
        }
        cell = next;
      }
      if (first === undefined) this.counts.delete(h);
      else if (first !== head) this.counts.set(h, first);
    }
  }
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
