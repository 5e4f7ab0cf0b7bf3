// The posts a topic's themes are fitted on: a uniform sample of up to `size` posts of the theme
// period (reservoir sampling, Vitter's Algorithm R), each kept as its single terms (words, tags,
// domains; bigrams would double every pair). With at most `size` posts in the period it holds all of
// them, in order; above that every post of the period is in it with the same probability size/seen,
// so the themes describe the whole period, not its last minutes. A post that is not drawn costs one
// random number; a drawn one reuses its slot's array (no allocation per post once the slots exist).
import type { PostTerms } from './terms.ts';

export class ThemeSample {
  private readonly slots: string[][] = [];
  private filled = 0;
  /** Posts offered since the last clear(). */
  private seen = 0;

  constructor(
    readonly size: number,
    private readonly random: () => number,
  ) {}

  /** Offers one post's terms (posts without a single term are not offered). */
  offer(terms: PostTerms): void {
    let single = false;
    for (let i = 0; i < terms.n && !single; i++) single = terms.second[i] === undefined;
    if (!single) return;
    const seen = ++this.seen;
    let j = this.filled;
    if (j < this.size) this.filled++;
    else {
      j = Math.floor(this.random() * seen);
      if (j >= this.size) return;
    }
    let doc = this.slots[j];
    if (doc === undefined) this.slots[j] = doc = [];
    else doc.length = 0;
    for (let i = 0; i < terms.n; i++) if (terms.second[i] === undefined) doc.push(terms.first[i]!);
  }

  /** The sampled posts' terms (read before the next offer or clear). */
  posts(): string[][] {
    return this.slots.slice(0, this.filled);
  }

  /** Starts the next period; the slots' arrays are kept for reuse. */
  clear(): void {
    this.filled = 0;
    this.seen = 0;
  }

  snapshot(): { sample: string[][]; sampleSeen: number } {
    return { sample: this.posts().map((d) => [...d]), sampleSeen: this.seen };
  }

  /** Restores a snapshot (one without `seen`, from before the sample, counts its posts as seen). */
  restore(docs: readonly (readonly string[])[], seen?: number): void {
    const kept = docs.filter((d) => d.length > 0).slice(0, this.size);
    kept.forEach((d, i) => (this.slots[i] = [...d]));
    this.filled = kept.length;
    this.seen = Math.max(seen ?? 0, kept.length);
  }
}
