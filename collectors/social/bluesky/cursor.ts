// The Jetstream cursor (time_us of the last event handled) and the ids seen just before it, saved
// atomically (tmp file + rename) so that a restart resumes where the last run stopped.
//
// Reconnects ask for a replay from `cursor - margin`: events in that margin arrive a second time and
// are recognised by id (ReplayGuard), so nothing is missed and nothing is counted twice.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../../src/core/state-file.ts';

export interface CursorState {
  cursorUs: number;
  /** [time_us, did/rkey] of posts handled within the margin before the cursor. */
  recent: Array<[number, string]>;
}

export function loadCursor(file: string): CursorState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<CursorState>;
    if (typeof v.cursorUs !== 'number' || !Number.isSafeInteger(v.cursorUs) || v.cursorUs <= 0)
      return undefined;
    const recent = Array.isArray(v.recent)
      ? v.recent.filter(
          (x): x is [number, string] =>
            Array.isArray(x) && typeof x[0] === 'number' && typeof x[1] === 'string',
        )
      : [];
    return { cursorUs: v.cursorUs, recent };
  } catch {
    return undefined;
  }
}

export function saveCursor(file: string, state: CursorState): void {
  writeFileAtomic(file, JSON.stringify(state));
}

/** Bound on remembered ids, whatever the event rate. */
export const MAX_RECENT = 100_000;

/** Ids of the posts handled in the last `marginUs` before the high-water mark. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private high = 0;

  constructor(
    private readonly marginUs: number,
    initial?: CursorState,
  ) {
    if (initial) {
      this.high = initial.cursorUs;
      for (const [t, k] of initial.recent) this.seen.set(k, t);
    }
  }

  /** The last time_us handled (0 when none). */
  cursorUs(): number {
    return this.high;
  }

  /** Where a reconnect should resume: the cursor minus the margin; undefined to live-tail. */
  resumeFromUs(): number | undefined {
    return this.high > 0 ? Math.max(1, this.high - this.marginUs) : undefined;
  }

  isDuplicate(key: string): boolean {
    return this.seen.has(key);
  }

  /** Records a handled post (key) or any other event (no key) and moves the cursor forward. */
  handled(timeUs: number, key?: string): void {
    if (key !== undefined) {
      this.seen.set(key, timeUs);
      if (this.seen.size > MAX_RECENT) this.seen.delete(this.seen.keys().next().value!);
    }
    if (timeUs > this.high) {
      this.high = timeUs;
      // Prune lazily: Map keeps insertion order, roughly time order, so stop at the first keeper.
      const cutoff = this.high - this.marginUs;
      for (const [k, t] of this.seen) {
        if (t >= cutoff) break;
        this.seen.delete(k);
      }
    }
  }

  state(): CursorState {
    return { cursorUs: this.high, recent: [...this.seen].map(([k, t]) => [t, k]) };
  }
}
