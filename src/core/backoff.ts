// The one reconnect/retry backoff: capped exponential steps (base, 2 base, 4 base ... cap) of which a
// random upper half is kept ("equal jitter"), so many clients dropped at once do not all come back in
// the same millisecond, yet none retries sooner than half the step. Pure: the random source is passed in.

/** Delay before attempt n (n >= 1), in [step/2, step] with step = min(capMs, baseMs * 2^(n-1)). */
export function backoffMs(
  attempt: number,
  baseMs = 1000,
  capMs = 30_000,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt) - 1), 40);
  const step = Math.min(capMs, baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * r);
}
