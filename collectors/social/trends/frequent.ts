// Bounded counting of the frequent terms of one interval: the Misra-Gries "Frequent" summary with a
// batched decrement (Misra & Gries 1982; Berinde et al. 2010). It holds at most 2k terms. When it is
// full, the (k+1)-th largest count d is subtracted from every counter and the ones at 0 or below go.
// Each batch removes at least d(k+1) from the total, so the decrements sum to at most N/(k+1):
//
//   true count - N/(k+1) <= estimate <= true count       (N = occurrences added so far)
//
// and every term with a true count above N/(k+1) is held. Exact while fewer than 2k distinct terms
// have been seen (the replay tests and small topics). Summaries merge by adding counts and pruning
// again; the bound becomes the sum of the parts' N/(k+1) = N_total/(k+1) (Agarwal et al. 2012).

export class FrequentCounter {
  private readonly counts = new Map<string, number>();
  /** Sum of the decrements so far: the largest possible under-count of any term. */
  private errorBound = 0;
  private total = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`[trends] counter capacity must be a positive integer, got ${capacity}`);
  }

  add(term: string, n = 1): void {
    this.total += n;
    const c = this.counts.get(term);
    this.counts.set(term, c === undefined ? n : c + n);
    if (this.counts.size > 2 * this.capacity) this.prune();
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
    return this.counts.get(term) ?? 0;
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }

  held(): number {
    return this.counts.size;
  }

  /** Adds another summary into this one (the bounds add). */
  merge(other: FrequentCounter): void {
    this.total += other.total;
    this.errorBound += other.errorBound;
    for (const [t, c] of other.counts) this.counts.set(t, (this.counts.get(t) ?? 0) + c);
    if (this.counts.size > 2 * this.capacity) this.prune();
  }

  snapshot(): { total: number; errorBound: number; counts: Array<[string, number]> } {
    return { total: this.total, errorBound: this.errorBound, counts: [...this.counts] };
  }

  static restore(
    capacity: number,
    s: { total: number; errorBound: number; counts: Array<[string, number]> },
  ): FrequentCounter {
    const f = new FrequentCounter(capacity);
    f.total = s.total;
    f.errorBound = s.errorBound;
    for (const [t, c] of s.counts) f.counts.set(t, c);
    if (f.counts.size > 2 * capacity) f.prune();
    return f;
  }

  private prune(): void {
    const values = Float64Array.from(this.counts.values()).sort().reverse();
    const d = values[this.capacity] ?? 0;
    if (d <= 0) return;
    this.errorBound += d;
    for (const [t, c] of this.counts) {
      if (c <= d) this.counts.delete(t);
      else this.counts.set(t, c - d);
    }
  }
}
