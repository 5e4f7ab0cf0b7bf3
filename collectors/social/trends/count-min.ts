// A count-min sketch (Cormode & Muthukrishnan 2005) over 32-bit term hashes: `depth` rows of `width`
// counters; a term adds to one counter per row and its estimate is the smallest of them. With
// width w = 2^b and depth d, for N added occurrences:
//
//   true count <= estimate <= true count + (e / w) * N     with probability >= 1 - e^-d
//
// (w = 8192, d = 4: at most 0.033 % of N over, for 98 % of terms). Sketches of the same shape merge
// exactly by adding their counters, which is how the trailing baseline is built from hourly ones.

export const DEFAULT_SKETCH_WIDTH = 8192;
export const DEFAULT_SKETCH_DEPTH = 4;

/** FNV-1a over UTF-16 code units: fast, and good enough to spread terms over counters. */
export function hashTerm(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A second, independent-enough hash for double hashing (murmur3 finaliser of the first), odd. */
function secondHash(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x | 1) >>> 0;
}

export class CountMinSketch {
  readonly cells: Uint32Array;
  private readonly mask: number;
  /** Occurrences added (N in the bound). */
  total = 0;

  constructor(
    readonly width: number = DEFAULT_SKETCH_WIDTH,
    readonly depth: number = DEFAULT_SKETCH_DEPTH,
    cells?: Uint32Array,
  ) {
    if (!(Number.isInteger(Math.log2(width)) && width >= 16 && width <= 1 << 20))
      throw new RangeError(`[trends] sketch width must be a power of two in [16, 2^20], got ${width}`);
    if (!(Number.isInteger(depth) && depth >= 1 && depth <= 16))
      throw new RangeError(`[trends] sketch depth must be an integer in [1, 16], got ${depth}`);
    this.mask = width - 1;
    this.cells = cells ?? new Uint32Array(width * depth);
    if (this.cells.length !== width * depth)
      throw new RangeError('[trends] sketch cells do not match its shape');
  }

  /** Adds one occurrence of the term whose hashTerm() is `h`. */
  addHash(h: number, n = 1): void {
    const h2 = secondHash(h);
    const w = this.width;
    for (let i = 0; i < this.depth; i++) this.cells[i * w + ((h + Math.imul(i, h2)) & this.mask)]! += n;
    this.total += n;
  }

  /** Adds one occurrence and returns the term's estimate including it (one pass over the rows). */
  addHashEstimate(h: number): number {
    const h2 = secondHash(h);
    const w = this.width;
    let min = Infinity;
    for (let i = 0; i < this.depth; i++) {
      const j = i * w + ((h + Math.imul(i, h2)) & this.mask);
      const c = ++this.cells[j]!;
      if (c < min) min = c;
    }
    this.total++;
    return min;
  }

  estimateHash(h: number): number {
    const h2 = secondHash(h);
    const w = this.width;
    let min = Infinity;
    for (let i = 0; i < this.depth; i++) {
      const c = this.cells[i * w + ((h + Math.imul(i, h2)) & this.mask)]!;
      if (c < min) min = c;
    }
    return min;
  }

  estimate(term: string): number {
    return this.estimateHash(hashTerm(term));
  }

  /** Adds another sketch of the same shape (exact: the merged sketch is the sketch of both streams). */
  merge(other: CountMinSketch): void {
    if (other.width !== this.width || other.depth !== this.depth)
      throw new RangeError('[trends] only sketches of the same shape merge');
    for (let i = 0; i < this.cells.length; i++) this.cells[i]! += other.cells[i]!;
    this.total += other.total;
  }

  clear(): void {
    this.cells.fill(0);
    this.total = 0;
  }

  toBase64(): string {
    return Buffer.from(this.cells.buffer, this.cells.byteOffset, this.cells.byteLength).toString('base64');
  }

  static fromBase64(width: number, depth: number, total: number, b64: string): CountMinSketch {
    const buf = Buffer.from(b64, 'base64');
    if (buf.byteLength !== width * depth * 4)
      throw new RangeError('[trends] saved sketch has the wrong size');
    const cells = new Uint32Array(width * depth);
    new Uint8Array(cells.buffer).set(buf);
    const s = new CountMinSketch(width, depth, cells);
    s.total = total;
    return s;
  }
}
