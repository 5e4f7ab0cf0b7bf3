// Seeded randomness for the simulator; never Math.random. Two flavours:
//  - counter-based: a value is a hash of (seed, stream, index), so any minute can be computed alone,
//    in any order, with the same result (what makes the generator a pure function of the minute);
//  - mulberry32: a small sequential generator for the posts of one minute, seeded by such a hash.
import { fnv1a32 } from '../../../src/core/hash.ts';
import { mix32, mulberry32 } from '../../../src/core/random.ts';

export { mix32, mulberry32 };

/** A 32-bit hash of three integers (seed, stream, index). */
export function hash3(a: number, b: number, c: number): number {
  let h = mix32((a | 0) + 0x6d2b79f5);
  h = mix32((h ^ (b | 0)) + 0x6d2b79f5);
  return mix32((h ^ (c | 0)) + 0x6d2b79f5);
}

/** Uniform in (0, 1), never 0 (safe for log). */
export function uniform(a: number, b: number, c: number): number {
  return (hash3(a, b, c) + 0.5) / 4294967296;
}

/** Two independent standard normals (Box-Muller) for (seed, stream, index). */
export function normalPair(seed: number, stream: number, index: number): [number, number] {
  const u1 = uniform(seed, stream, index * 2);
  const u2 = uniform(seed, stream, index * 2 + 1);
  const r = Math.sqrt(-2 * Math.log(u1));
  const a = 2 * Math.PI * u2;
  return [r * Math.cos(a), r * Math.sin(a)];
}

export function normal(seed: number, stream: number, index: number): number {
  return normalPair(seed, stream, index)[0];
}

/** FNV-1a of a string: stream ids from topic and coin names. */
export function streamId(name: string): number {
  return fnv1a32(name);
}
