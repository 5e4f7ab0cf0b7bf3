// Themes of a topic's recent posts: non-negative matrix factorisation of the post-term matrix (the
// seed modelled topics with LDA; NMF finds comparable themes on short texts, is deterministic given
// its seed, and is a few dozen lines; Lee & Seung 2001, multiplicative updates for the Frobenius
// loss). Each theme is named by its top terms and carries its share of posts (posts whose largest
// weight is that theme). Quality is measured, not assumed: the NPMI coherence of each theme's top
// terms (Bouma 2009; Röder et al. 2015) on held-back posts, every fifth post, that the fit never saw.
// Pure: arrays in, numbers out.
import { mulberry32 } from '../../../src/core/random.ts';

export interface ThemeOptions {
  /** Themes per topic. */
  count: number;
  /** Terms that name a theme (and whose coherence is measured). */
  topTerms: number;
  /** Vocabulary: the most frequent terms, after dropping those in more than maxDocShare of posts. */
  vocabulary: number;
  iterations: number;
  seed: number;
  /** Fewest posts to fit on; fewer gives no themes. */
  minPosts: number;
}

export const DEFAULT_THEME_OPTIONS: Omit<ThemeOptions, 'count'> = {
  topTerms: 5,
  vocabulary: 400,
  iterations: 40,
  seed: 1,
  minPosts: 40,
};

/** A term in more than this share of posts (the topic's own keyword) names no theme. */
export const MAX_DOC_SHARE = 0.5;
/** Every HOLDOUT_EVERY-th post is held back for coherence. */
export const HOLDOUT_EVERY = 5;
const EPS = 1e-9;

export interface ThemeResult {
  /** 1..count, by share (largest first). */
  theme: number;
  terms: string[];
  /** Share of the fitted posts whose strongest theme this is. */
  share: number;
  /** Mean NPMI of the top-term pairs on held-back posts, in [-1, 1]. */
  coherence: number;
  /** Mean coherence over the model's themes. */
  modelCoherence: number;
  /** Posts fitted on. */
  posts: number;
}

/** Fits `count` themes on the posts (each a list of distinct terms). Empty when there are too few posts. */
export function runThemes(docs: readonly (readonly string[])[], o: ThemeOptions): ThemeResult[] {
  const train: (readonly string[])[] = [];
  const held: (readonly string[])[] = [];
  docs.forEach((d, i) => (i % HOLDOUT_EVERY === HOLDOUT_EVERY - 1 ? held : train).push(d));
  if (train.length < o.minPosts || o.count < 1) return [];
  const vocab = vocabulary(train, o.vocabulary);
  if (vocab.length < o.count) return [];
  const index = new Map(vocab.map((t, i) => [t, i]));
  const rows = train.map((d) => d.map((t) => index.get(t)).filter((v): v is number => v !== undefined));
  const { W, H } = nmf(rows, vocab.length, o.count, o.iterations, o.seed);
  const k = o.count;
  const V = vocab.length;
  const assigned = new Array<number>(k).fill(0);
  let fitted = 0;
  rows.forEach((_, d) => {
    let best = -1;
    let bestW = EPS;
    for (let t = 0; t < k; t++) {
      const w = W[d * k + t]!;
      if (w > bestW) {
        bestW = w;
        best = t;
      }
    }
    if (best >= 0) {
      assigned[best]!++;
      fitted++;
    }
  });
  const heldSets = held.map((d) => new Set(d));
  const themes = Array.from({ length: k }, (_, t) => {
    const order = Array.from({ length: V }, (_, v) => v).sort(
      (a, b) => H[t * V + b]! - H[t * V + a]! || a - b,
    );
    const terms = order
      .slice(0, o.topTerms)
      .filter((v) => H[t * V + v]! > EPS)
      .map((v) => vocab[v]!);
    return { terms, share: fitted ? assigned[t]! / fitted : 0, coherence: npmi(terms, heldSets) };
  }).filter((t) => t.terms.length > 0);
  themes.sort((a, b) => b.share - a.share || (a.terms[0]! < b.terms[0]! ? -1 : 1));
  const modelCoherence = themes.length ? themes.reduce((s, t) => s + t.coherence, 0) / themes.length : 0;
  return themes.map((t, i) => ({ theme: i + 1, ...t, modelCoherence, posts: train.length }));
}

/** The most frequent terms by post count, leaving out those in more than MAX_DOC_SHARE of posts. */
export function vocabulary(docs: readonly (readonly string[])[], size: number): string[] {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d) df.set(t, (df.get(t) ?? 0) + 1);
  const maxDf = Math.max(2, MAX_DOC_SHARE * docs.length);
  return [...df]
    .filter(([, n]) => n >= 2 && n <= maxDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, size)
    .map(([t]) => t);
}

/**
 * Binary post-term matrix X (rows: lists of term columns) ~ W H, W: D x k, H: k x V, both >= 0.
 * Returned row-major. Deterministic given `seed`.
 */
export function nmf(
  rows: readonly (readonly number[])[],
  V: number,
  k: number,
  iterations: number,
  seed: number,
): { W: Float64Array; H: Float64Array } {
  const D = rows.length;
  const rnd = mulberry32(seed);
  const W = Float64Array.from({ length: D * k }, () => 0.1 + rnd());
  const H = Float64Array.from({ length: k * V }, () => 0.1 + rnd());
  const WtX = new Float64Array(k * V);
  const XHt = new Float64Array(D * k);
  const WtW = new Float64Array(k * k);
  const HHt = new Float64Array(k * k);
  for (let it = 0; it < iterations; it++) {
    // H <- H * (W'X) / (W'W H)
    WtX.fill(0);
    WtW.fill(0);
    for (let d = 0; d < D; d++) {
      for (const v of rows[d]!) for (let t = 0; t < k; t++) WtX[t * V + v]! += W[d * k + t]!;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) WtW[a * k + b]! += W[d * k + a]! * W[d * k + b]!;
    }
    for (let t = 0; t < k; t++) {
      for (let v = 0; v < V; v++) {
        let den = 0;
        for (let s = 0; s < k; s++) den += WtW[t * k + s]! * H[s * V + v]!;
        H[t * V + v]! *= WtX[t * V + v]! / (den + EPS);
      }
    }
    // W <- W * (X H') / (W H H')
    XHt.fill(0);
    HHt.fill(0);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let s = 0;
        for (let v = 0; v < V; v++) s += H[a * V + v]! * H[b * V + v]!;
        HHt[a * k + b] = s;
      }
    for (let d = 0; d < D; d++) {
      for (const v of rows[d]!) for (let t = 0; t < k; t++) XHt[d * k + t]! += H[t * V + v]!;
      for (let t = 0; t < k; t++) {
        let den = 0;
        for (let s = 0; s < k; s++) den += W[d * k + s]! * HHt[s * k + t]!;
        W[d * k + t]! *= XHt[d * k + t]! / (den + EPS);
      }
    }
  }
  return { W, H };
}

/**
 * Mean normalised PMI of the term pairs over the documents: NPMI = ln(p(a,b) / p(a)p(b)) / -ln p(a,b),
 * -1 for a pair never seen together, 1 for a pair always together. 0 with fewer than two terms or no documents.
 */
export function npmi(terms: readonly string[], docs: readonly ReadonlySet<string>[]): number {
  const n = docs.length;
  if (terms.length < 2 || n === 0) return 0;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < terms.length; i++) {
    for (let j = i + 1; j < terms.length; j++) {
      let ca = 0;
      let cb = 0;
      let cab = 0;
      for (const d of docs) {
        const a = d.has(terms[i]!);
        const b = d.has(terms[j]!);
        if (a) ca++;
        if (b) cb++;
        if (a && b) cab++;
      }
      pairs++;
      if (cab === 0) {
        sum += -1;
        continue;
      }
      const pab = cab / n;
      if (pab === 1) {
        sum += 1;
        continue;
      }
      sum += Math.log(pab / ((ca / n) * (cb / n))) / -Math.log(pab);
    }
  }
  return sum / pairs;
}
