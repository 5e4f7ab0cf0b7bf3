// Backfill progress on stderr: a redrawn bar on a terminal, plain lines (at most one every few
// seconds) when stderr is a file or a pipe, so logs stay readable.
import type { BackfillProgress } from './run.ts';

export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

export const PLAIN_LINE_EVERY_MS = 5_000;
const BAR_WIDTH = 30;

export function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Pure: one progress line. ETA from the mean time per page so far. */
export function progressLine(p: BackfillProgress, tty: boolean): string {
  const total = Math.max(p.pagesTotal, p.pagesDone, 1);
  const ratio = p.pagesDone / total;
  const eta = p.pagesDone > 0 ? formatEta((p.elapsedMs / p.pagesDone) * (total - p.pagesDone)) : '?';
  const text = `${p.pagesDone}/${total} pages (${Math.round(ratio * 100)}%), ${p.points} points, ETA ${eta}`;
  if (!tty) return `backfill: ${text}`;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${text}`;
}

export function createProgressReporter(sink: ProgressSink, now: () => number = Date.now) {
  const tty = sink.isTTY === true;
  let lastPlain = -Infinity;
  let last: BackfillProgress | undefined;
  return {
    update(p: BackfillProgress): void {
      last = p;
      if (tty) sink.write(`\r${progressLine(p, true)}\u001b[K`);
      else if (now() - lastPlain >= PLAIN_LINE_EVERY_MS) {
        lastPlain = now();
        sink.write(`${progressLine(p, false)}\n`);
      }
    },
    done(): void {
      if (!last) return;
      sink.write(tty ? `\r${progressLine(last, true)}\u001b[K\n` : `${progressLine(last, false)}\n`);
    },
  };
}
