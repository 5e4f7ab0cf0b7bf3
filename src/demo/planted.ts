// Compares the anomalies analytics reported with those the simulator planted. Pure.
import type { AnomalyRow } from '../report/queries.ts';

export interface PlantedWindow {
  topic: string;
  symbol?: string;
  startMs: number;
  endMs: number;
}

/** A reported anomaly matches a planted one on the same topic or coin within `toleranceMs` of its span. */
export function matchPlanted(
  found: AnomalyRow[],
  planted: PlantedWindow[],
  toleranceMs = 2 * 60_000,
): { planted: number; found: number; matched: number; matchedFound: number } {
  const hit = (a: AnomalyRow, p: PlantedWindow): boolean => {
    const t = Date.parse(a.time);
    const sameTarget = a.target === p.topic || (p.symbol !== undefined && a.target === p.symbol);
    return sameTarget && t >= p.startMs - toleranceMs && t < p.endMs + toleranceMs;
  };
  const matched = planted.filter((p) => found.some((a) => hit(a, p))).length;
  const matchedFound = found.filter((a) => planted.some((p) => hit(a, p))).length;
  return { planted: planted.length, found: found.length, matched, matchedFound };
}
