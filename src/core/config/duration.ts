// Durations in config are written the way people say them ("90s", "15m", "6h", "7d") and are
// converted once, at load time, to seconds. Pure.

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(\d+)(s|m|h|d|w)$/;

/** Parses "6h" -> 21600. Returns undefined for anything else, so callers can report the key. */
export function parseDurationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  // Enough digits make Infinity (or an inexact number): not a duration anyone can use.
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** Formats seconds back into the shortest exact unit: 21600 -> "6h". Used for tag values. */
export function formatDurationSeconds(seconds: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit]!;
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
