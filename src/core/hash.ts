// The project's one FNV-1a (32 bit, over UTF-16 code units): cheap, stable across processes and
// versions, and well spread for short keys. Used where a key must map to the same number everywhere:
// post ids to a sub-millisecond offset (idempotent post points) and to a shard, topic and coin names to
// the simulator's random streams. Pure.

export const FNV_OFFSET_BASIS = 0x811c9dc5;

/** FNV-1a of `s`, an unsigned 32-bit integer; `seed` continues a hash (default: the offset basis). */
export function fnv1a32(s: string, seed = FNV_OFFSET_BASIS): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
