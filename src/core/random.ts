// Seeded randomness shared by the simulator, the planted test series and the benchmarks: never
// Math.random where a result must be reproducible.

/** mulberry32's output mixer: a 32-bit integer to a well-mixed 32-bit unsigned integer. */
export function mix32(x: number): number {
  let t = x | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** mulberry32: a small sequential generator of uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    return mix32(a) / 4294967296;
  };
}
