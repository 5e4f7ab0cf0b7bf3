// "k/N": member k (counted from 0) of N. The notation of collector.shard and analytics.partition. Pure.

export interface Member {
  index: number;
  count: number;
}

/** The whole: one member of one. */
export const WHOLE: Member = { index: 0, count: 1 };

/** "2/4" -> {index: 2, count: 4}; otherwise a message saying what is wrong. */
export function parseMember(text: string): Member | { error: string } {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  if (!m) return { error: `expected k/N such as "0/4", got "${text}"` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) return { error: `expected k/N with 0 <= k < N, got ${index}/${count}` };
  return { index, count };
}

/** parseMember for text already validated by the config schema. */
export function memberOf(text: string): Member {
  const m = parseMember(text);
  if ('error' in m) throw new RangeError(m.error);
  return m;
}

export function memberLabel(m: Member): string {
  return `${m.index}/${m.count}`;
}
