// A one-line progress bar on a terminal: share of the file read, posts, rate and time left. Nothing is
// drawn when the stream is not a TTY (logs and pipes stay clean).

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export const PROGRESS_REDRAW_MS = 200;

export class ProgressBar {
  private lastDraw = -Infinity;
  private readonly startMs: number;
  private readonly on: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly totalBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.on = stream.isTTY === true;
    this.startMs = now();
  }

  update(bytes: number, posts: number, force = false): void {
    if (!this.on) return;
    const t = this.now();
    if (!force && t - this.lastDraw < PROGRESS_REDRAW_MS) return;
    this.lastDraw = t;
    this.stream.write(`\r${formatProgress(bytes, this.totalBytes, posts, (t - this.startMs) / 1000)}\x1b[K`);
  }

  done(bytes: number, posts: number): void {
    if (!this.on) return;
    this.update(bytes, posts, true);
    this.stream.write('\n');
  }
}

/** "replay [######--------------]  30%  12,345 posts  3,210/s  ETA 0:12" */
export function formatProgress(
  bytes: number,
  totalBytes: number,
  posts: number,
  elapsedSeconds: number,
): string {
  const share = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
  const width = 20;
  const filled = Math.round(share * width);
  const rate = elapsedSeconds > 0 ? posts / elapsedSeconds : 0;
  const eta = share > 0 && share < 1 ? (elapsedSeconds * (1 - share)) / share : 0;
  return (
    `replay [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%` +
    `  ${posts.toLocaleString('en-US')} posts  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${clock(eta)}`
  );
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
