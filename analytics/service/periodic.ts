// Periodic work that never piles up (after OpenTelemetry's PeriodicExportingMetricReader): a tick that
// comes while the last run still runs is skipped and counted; each run gets an AbortSignal that fires
// at its timeout; every error goes to one handler.

export interface PeriodicOptions {
  intervalMs: number;
  timeoutMs: number;
  run: (signal: AbortSignal) => Promise<void>;
  onError: (err: unknown, kind: 'timeout' | 'error' | 'aborted') => void;
  onSkip?: () => void;
  onSuccess?: () => void;
  /** Run once at start instead of waiting a full interval. */
  runAtStart?: boolean;
}

export class PeriodicRunner {
  private timer: NodeJS.Timeout | undefined;
  private current: { promise: Promise<void>; abort: AbortController } | undefined;
  private stopped = false;

  constructor(private readonly o: PeriodicOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    if (this.o.runAtStart ?? true) void this.tick();
  }

  /** True while a run is in progress. */
  busy(): boolean {
    return this.current !== undefined;
  }

  /** Starts a run unless one is running (then the tick is skipped); resolves when that run ends. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.current) {
      this.o.onSkip?.();
      return this.current.promise;
    }
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(new RunTimeoutError(this.o.timeoutMs)), this.o.timeoutMs);
    const promise = (async () => {
      try {
        await this.o.run(abort.signal);
        this.o.onSuccess?.();
      } catch (err) {
        const kind = err instanceof RunTimeoutError ? 'timeout' : abort.signal.aborted ? 'aborted' : 'error';
        this.o.onError(err, kind);
      } finally {
        clearTimeout(timeout);
        this.current = undefined;
      }
    })();
    this.current = { promise, abort };
    return promise;
  }

  /** Stops the schedule; a run in progress is given `graceMs` to finish, then aborted. */
  async stop(graceMs = 0): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const cur = this.current;
    if (!cur) return;
    let grace: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      cur.promise.then(() => true),
      new Promise<boolean>((resolve) => (grace = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(grace);
    if (!finished) {
      cur.abort.abort(new Error('analytics service stopping'));
      await cur.promise;
    }
  }
}

export class RunTimeoutError extends Error {
  constructor(ms: number) {
    super(`analytics run exceeded its timeout of ${ms / 1000} s and was aborted`);
    this.name = 'RunTimeoutError';
  }
}
