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

/** The summary holds up to SLACK x capacity terms between two batches. */
export const SLACK = 3;

export class FrequentCounter {
  /** A cell per term, so a hit is one map lookup (get, then increment in place). */
  private readonly counts = new Map<string, { c: number }>();
  /** Sum of the decrements so far: the largest possible under-count of any term. */
  private errorBound = 0;
  private total = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`[trends] counter capacity must be a positive integer, got ${capacity}`);
  }

  add(term: string, n = 1): void {
    this.total += n;
    const cell = this.counts.get(term);
    if (cell !== undefined) cell.c += n;
    else {
      this.counts.set(term, { c: n });
      if (this.counts.size > SLACK * this.capacity) this.prune();
    }
  }

  /**
   * Adds an occurrence behind a doorkeeper: a term not held yet is taken in only once it is seen a
   * second time (`seenBefore` from the caller's sketch: 1 = first, 2 = second, more = held before
   * or counted in another slot). Most terms of social text are seen once; they never reach the map.
   */
  addSeen(term: string, seenBefore: number): void {
    this.total++;
    const cell = this.counts.get(term);
    if (cell !== undefined) cell.c++;
    else if (seenBefore >= 2) {
      // The first occurrence was only in the sketch: it is counted now (once per largest interval).
      this.counts.set(term, { c: seenBefore === 2 ? 2 : 1 });
      if (this.counts.size > SLACK * this.capacity) this.prune();
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
    return this.counts.get(term)?.c ?? 0;
  }

  private *pairs(): IterableIterator<[string, number]> {
    for (const [t, cell] of this.counts) yield [t, cell.c];
  }

  entries(): IterableIterator<[string, number]> {
    return this.pairs();
  }

  held(): number {
    return this.counts.size;
  }

  /** Adds another summary into this one (the bounds add). */
  merge(other: FrequentCounter): void {
    this.total += other.total;
    this.errorBound += other.errorBound;
    for (const [t, o] of other.counts) {
      const cell = this.counts.get(t);
      if (cell !== undefined) cell.c += o.c;
      else this.counts.set(t, { c: o.c });
    }
    if (this.counts.size > SLACK * this.capacity) this.prune();
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
    for (const [t, c] of s.counts) f.counts.set(t, { c });
    if (f.counts.size > SLACK * capacity) f.prune();
    return f;
  }

  private prune(): void {
    const values = new Float64Array(this.counts.size);
    let k = 0;
    for (const cell of this.counts.values()) values[k++] = cell.c;
    const d = this.capacity < values.length ? kthLargest(values, this.capacity) : 0;
    if (d <= 0) return;
    this.errorBound += d;
    for (const [t, cell] of this.counts) {
      if (cell.c <= d) this.counts.delete(t);
      else cell.c -= d;
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
