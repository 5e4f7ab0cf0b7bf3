// How far back a report reads, said as a person would: "-259345s" (what the demo asks Flux for) reads
// "3 d 0 h 2 min". Pure.

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

/** Seconds of a Flux duration literal (`-1h30m`, `259345s`); undefined when it is not one. */
export function fluxDurationSeconds(text: string): number | undefined {
  const m = /^-?((?:\d+(?:ns|us|µs|ms|mo|s|m|h|d|w|y))+)$/.exec(text.trim());
  if (!m) return undefined;
  let total = 0;
  for (const [, n, unit] of (m[1] as string).matchAll(/(\d+)(ns|us|µs|ms|mo|s|m|h|d|w|y)/g)) {
    if (unit === 'mo' || unit === 'y') return undefined; // calendar units have no fixed length
    total += Number(n) * (UNIT_SECONDS[unit as string] as number);
  }
  return total;
}

/** "3 d 0 h 2 min", "5 h 10 min", "45 min", "30 s". */
export function humanSpan(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const min = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h ${min} min`;
  if (h > 0) return `${h} h ${min} min`;
  if (min > 0) return `${min} min`;
  return `${s} s`;
}

/** The report's title range: "the last 3 d 0 h 2 min (2026-11-25 17:10 to 2026-11-28 17:12 UTC)". */
export function describeSince(since: string, nowMs: number): string {
  const seconds = fluxDurationSeconds(since);
  const fmt = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  if (seconds !== undefined)
    return `the last ${humanSpan(seconds)} (${fmt(nowMs - seconds * 1000)} to ${fmt(nowMs)} UTC)`;
  const t = Date.parse(since);
  return Number.isFinite(t) ? `since ${fmt(t)} UTC` : `since ${since}`;
}
