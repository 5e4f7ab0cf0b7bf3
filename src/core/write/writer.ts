// The write path every collector and job uses. First attempts go through the client library's
// WriteApi (batching by size and time, gzip); failures are taken over in `writeFailed` and handled
// here, because the library's retry buffer reads Retry-After as milliseconds, cannot halve a batch
// on 413 and cannot hand lines to a disk spool. Retries go out in order, one batch at a time, through
// the same library transport.
import { InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { ServiceRegistry } from '../metrics/registry.ts';
import { backoffMs } from '../backoff.ts';
import { WRITE_ERROR_CLASSES, classifyWriteError, type ClassifiedWriteError } from './errors.ts';

export type BucketRole = 'raw' | 'main';

export interface WriterOptions {
  url: string;
  token: string;
  org: string;
  buckets: Record<BucketRole, string>;
  batchSize: number;
  flushIntervalMs: number;
  gzipThresholdBytes: number;
  /** How long a failed batch is retried in memory before it goes to the spool (or is dropped). */
  maxRetryTimeMs: number;
  /** Bound on lines held in memory for retry. */
  maxBufferLines: number;
  /** HTTP timeout of one write request. */
  requestTimeoutMs?: number;
  metrics: ServiceRegistry;
  log?: Logger;
  /** Where lines go when memory cannot hold them or retrying takes too long (see spool.ts). */
  spool?: WriteSpool;
  /** For tests: a clock and a random source. */
  now?: () => number;
  random?: () => number;
}

/** Durable overflow for lines that could not be written yet. */
export interface WriteSpool {
  append(bucket: BucketRole, lines: string[]): Promise<void>;
  /** Lines on disk waiting for replay. */
  pendingLines(): number;
  /** Called by the writer when writes succeed again: replays through `send` in order. */
  replay(send: (bucket: BucketRole, lines: string[]) => Promise<void>): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface PointWriter {
  write(bucket: BucketRole, lines: string | string[]): void;
  /** Sends everything accepted so far (first attempts); failed batches stay queued for retry. */
  flush(): Promise<void>;
  /** Waits until nothing is queued for retry, or the timeout passes. True when empty. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Flush, drain for up to `drainTimeoutMs`, hand what remains to the spool, stop. */
  close(drainTimeoutMs?: number): Promise<void>;
  /** Lines accepted but not yet confirmed written (in batches, in flight, queued for retry). */
  bufferedLines(): number;
  /** True while the last write attempt failed. */
  failing(): boolean;
}

interface RetryEntry {
  bucket: BucketRole;
  lines: string[];
  attempt: number;
  firstFailureAt: number;
  notBefore: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** How long close() drains when a spool takes what is left (services: SIGTERM must end promptly). */
export const DEFAULT_CLOSE_DRAIN_MS = 5_000;
/** Without a spool, whatever close() cannot send is lost, so it waits much longer. */
export const DEFAULT_CLOSE_DRAIN_NO_SPOOL_MS = 120_000;
/** Spool replays back off from 500 ms to this cap: a recovered server should not wait long to be used. */
export const REPLAY_BACKOFF_CAP_MS = 5_000;
/** Why the writer gives points up (`points_dropped_total{reason}`; the spool adds `spool_full`). */
export const WRITER_DROP_REASONS = [
  'writer_closed',
  'rejected',
  'too_large',
  'spool_error',
  'shutdown',
  'retry_expired',
  'buffer_full',
] as const;
export type WriterDropReason = (typeof WRITER_DROP_REASONS)[number];

export class InfluxWriter implements PointWriter {
  private readonly o: WriterOptions;
  private readonly log: Logger;
  private readonly client: InfluxDB;
  private readonly apis: Record<BucketRole, WriteApi>;
  private readonly queue: RetryEntry[] = [];
  private queuedLines = 0;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private retrying = false;
  private replaying = false;
  private lastFailed = false;
  private closed = false;
  private nextReplayAt = 0;
  private replayAttempt = 0;
  private readonly replayTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly m;
  private readonly bufferMemory: { set(v: number): void };
  private readonly bufferSpool: { set(v: number): void };

  constructor(opts: WriterOptions) {
    this.o = opts;
    this.log = (opts.log ?? silentLogger).child({ component: 'writer' });
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.client = new InfluxDB({
      url: opts.url,
      token: opts.token,
      timeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    });
    const reg = opts.metrics;
    this.m = {
      written: reg.counter('points_written_total', 'Points confirmed written to InfluxDB.', ['bucket']),
      errors: reg.counter('write_errors_total', 'Failed write requests, by error class.', ['class']),
      dropped: reg.counter('points_dropped_total', 'Points given up on, by reason.', ['reason']),
      retries: reg.counter('write_retries_total', 'Write requests retried.'),
      buffer: reg.gauge(
        'write_buffer_lines',
        'Lines accepted but not yet written (memory), by where they wait.',
        ['where'],
      ),
      lastSuccess: reg.gauge(
        'write_last_success_timestamp_seconds',
        'Unix time of the last successful write.',
      ),
    };
    // Every error class and drop reason is exported at 0 from the start (Prometheus' convention), so
    // rate() sees the first one and a healthy service shows 0 rather than no series.
    for (const c of WRITE_ERROR_CLASSES) this.m.errors.inc({ class: c }, 0);
    for (const r of WRITER_DROP_REASONS) this.m.dropped.inc({ reason: r }, 0);
    // Children bound once: write() updates the gauge for every post, and a labelled set hashes its labels.
    this.bufferMemory = this.m.buffer.labels({ where: 'memory' });
    this.bufferSpool = this.m.buffer.labels({ where: 'spool' });
    this.bufferMemory.set(0);
    this.bufferSpool.set(0);
    this.apis = {
      raw: this.makeApi('raw'),
      main: this.makeApi('main'),
    };
    // With a spool, retries happen from disk: a timer replays it (in order) once the delay has passed.
    // A writer that starts with a non-empty spool drains it this way too.
    if (opts.spool) {
      this.replayTimer = setInterval(() => {
        if (!this.replaying && this.now() >= this.nextReplayAt && (this.o.spool?.pendingLines() ?? 0) > 0)
          void this.replaySpool();
      }, 250);
      this.replayTimer.unref();
    }
  }

  private makeApi(bucket: BucketRole): WriteApi {
    return this.client.getWriteApi(this.o.org, this.o.buckets[bucket], 'ns', {
      batchSize: this.o.batchSize,
      flushInterval: this.o.flushIntervalMs,
      gzipThreshold: this.o.gzipThresholdBytes,
      maxRetries: 0,
      maxBufferLines: Math.max(this.o.maxBufferLines, this.o.batchSize * 2),
      writeSuccess: (lines) => this.onSuccess(bucket, lines.length),
      // Returning a promise tells the library the failure is handled: no retry of its own.
      writeFailed: (error, lines) => this.onFailure(bucket, lines, error),
    });
  }

  write(bucket: BucketRole, lines: string | string[]): void {
    if (this.closed) {
      const n = typeof lines === 'string' ? 1 : lines.length;
      this.m.dropped.inc({ reason: 'writer_closed' }, n);
      return;
    }
    if (this.o.spool && this.lastFailed) {
      // InfluxDB is failing: go straight to disk, so a crash now loses at most one spool sync interval.
      const batch = typeof lines === 'string' ? [lines] : lines;
      void this.overflow(bucket, batch, 'spool_error');
      return;
    }
    if (typeof lines === 'string') {
      this.pending += 1;
      this.apis[bucket].writeRecord(lines);
    } else if (lines.length > 0) {
      this.pending += lines.length;
      this.apis[bucket].writeRecords(lines);
    }
    this.updateGauge();
  }

  async flush(): Promise<void> {
    await Promise.all([this.apis.raw.flush(), this.apis.main.flush()]);
    // WriteApi.flush() sends what is still buffered but does not wait for batches already in flight
    // (sent when a batch filled up): wait for every first attempt to end, bounded by the request timeout.
    const deadline = this.now() + 2 * (this.o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    while (this.pending > 0 && this.now() < deadline) await sleep(10);
    await this.o.spool?.flush();
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = this.now() + timeoutMs;
    await this.flush();
    // Retries keep their delays (Retry-After, backoff): draining waits for them, it never hurries them.
    while (
      this.pending > 0 ||
      this.queue.length > 0 ||
      this.replaying ||
      (this.o.spool?.pendingLines() ?? 0) > 0
    ) {
      if (this.now() >= deadline) return false;
      await this.runRetries();
      if (
        this.queue.length === 0 &&
        !this.replaying &&
        this.now() >= this.nextReplayAt &&
        (this.o.spool?.pendingLines() ?? 0) > 0
      )
        await this.replaySpool();
      if (
        this.pending > 0 ||
        this.queue.length > 0 ||
        this.replaying ||
        (this.o.spool?.pendingLines() ?? 0) > 0
      )
        await sleep(50);
    }
    return true;
  }

  async close(
    drainTimeoutMs = this.o.spool ? DEFAULT_CLOSE_DRAIN_MS : DEFAULT_CLOSE_DRAIN_NO_SPOOL_MS,
  ): Promise<void> {
    if (this.closed) return;
    await this.drain(drainTimeoutMs).catch(() => false);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.replayTimer) clearInterval(this.replayTimer);
    await Promise.all([this.apis.raw.close(), this.apis.main.close()]).catch(() => undefined);
    // What is still queued goes to the spool, in order; without one it is counted as lost.
    const rest = this.queue.splice(0);
    for (const e of rest) await this.overflow(e.bucket, e.lines, 'shutdown');
    this.queuedLines = 0;
    this.updateGauge();
    await this.o.spool?.close();
  }

  bufferedLines(): number {
    return this.pending + this.queuedLines;
  }

  failing(): boolean {
    return this.lastFailed;
  }

  private onSuccess(bucket: BucketRole, n: number): void {
    this.pending = Math.max(0, this.pending - n);
    this.m.written.inc({ bucket }, n);
    this.m.lastSuccess.set(this.now() / 1000);
    this.lastFailed = false;
    this.updateGauge();
  }

  private async onFailure(bucket: BucketRole, lines: string[], error: Error): Promise<void> {
    this.pending = Math.max(0, this.pending - lines.length);
    await this.handleFailure(bucket, lines, classifyWriteError(error, this.now()), 1, this.now());
  }

  private async handleFailure(
    bucket: BucketRole,
    lines: string[],
    err: ClassifiedWriteError,
    attempt: number,
    firstFailureAt: number,
  ): Promise<void> {
    this.m.errors.inc({ class: err.class });
    this.lastFailed = true;
    if (err.class === 'rejected') {
      this.m.dropped.inc({ reason: 'rejected' }, lines.length);
      this.log.warn(
        { lines: lines.length, status: err.status, error: err.message },
        'InfluxDB rejected a batch; dropped',
      );
      this.updateGauge();
      return;
    }
    if (err.class === 'too_large') {
      if (lines.length <= 1) {
        this.m.dropped.inc({ reason: 'too_large' }, lines.length);
        this.log.warn({ error: err.message }, 'a single line is too large for InfluxDB; dropped');
        return;
      }
      const half = Math.ceil(lines.length / 2);
      // Halves go to the front, so the order of lines is kept.
      this.enqueue(
        { bucket, lines: lines.slice(half), attempt, firstFailureAt, notBefore: this.now() },
        true,
      );
      this.enqueue(
        { bucket, lines: lines.slice(0, half), attempt, firstFailureAt, notBefore: this.now() },
        true,
      );
      this.schedule();
      return;
    }
    if (this.o.spool) {
      const delay = err.retryAfterMs ?? backoffMs(attempt, 500, REPLAY_BACKOFF_CAP_MS, this.random);
      if (attempt === 1)
        this.log.warn(
          { class: err.class, error: err.message, lines: lines.length },
          'write failed; spooled to disk',
        );
      this.nextReplayAt = Math.max(this.nextReplayAt, this.now() + delay);
      await this.overflow(bucket, lines, 'spool_error');
      return;
    }
    if (this.now() - firstFailureAt >= this.o.maxRetryTimeMs) {
      await this.overflow(bucket, lines, 'retry_expired');
      return;
    }
    const delay = err.retryAfterMs ?? backoffMs(attempt, 1000, 30_000, this.random);
    if (attempt === 1)
      this.log.warn(
        { class: err.class, error: err.message, retryInMs: delay, lines: lines.length },
        'write failed; will retry',
      );
    this.enqueue(
      { bucket, lines, attempt: attempt + 1, firstFailureAt, notBefore: this.now() + delay },
      false,
    );
    this.schedule();
  }

  private enqueue(e: RetryEntry, front: boolean): void {
    if (front) this.queue.unshift(e);
    else this.queue.push(e);
    this.queuedLines += e.lines.length;
    // Memory is bounded: the oldest batches move to the spool (or are dropped and counted).
    while (this.queuedLines > this.o.maxBufferLines && this.queue.length > 1) {
      const old = this.queue.shift()!;
      this.queuedLines -= old.lines.length;
      void this.overflow(old.bucket, old.lines, 'buffer_full');
    }
    this.updateGauge();
  }

  private async overflow(bucket: BucketRole, lines: string[], reason: WriterDropReason): Promise<void> {
    if (this.o.spool) {
      try {
        await this.o.spool.append(bucket, lines);
        this.updateGauge();
        return;
      } catch (err) {
        this.log.error({ error: String(err) }, 'spool append failed');
      }
    }
    this.m.dropped.inc({ reason }, lines.length);
    this.log.error(
      { lines: lines.length, reason },
      'points dropped: InfluxDB unavailable and no room to keep them',
    );
    this.updateGauge();
  }

  private schedule(): void {
    if (this.closed || this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.notBefore - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runRetries();
    }, wait);
    this.timer.unref();
  }

  /** Retries queued batches in order; stops at the first that fails again. */
  private async runRetries(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.notBefore > this.now()) break;
        this.m.retries.inc();
        try {
          await this.send(head.bucket, head.lines);
          this.queue.shift();
          this.queuedLines -= head.lines.length;
          this.onSuccessRetry(head);
        } catch (error) {
          this.queue.shift();
          this.queuedLines -= head.lines.length;
          await this.handleFailure(
            head.bucket,
            head.lines,
            classifyWriteError(error, this.now()),
            head.attempt,
            head.firstFailureAt,
          );
        }
      }
    } finally {
      this.retrying = false;
      this.updateGauge();
      this.schedule();
    }
  }

  private onSuccessRetry(e: RetryEntry): void {
    this.m.written.inc({ bucket: e.bucket }, e.lines.length);
    this.m.lastSuccess.set(this.now() / 1000);
    this.lastFailed = false;
  }

  private async replaySpool(): Promise<void> {
    if (!this.o.spool || this.replaying || this.closed) return;
    this.replaying = true;
    try {
      await this.o.spool.replay((bucket, lines) => this.sendSpooled(bucket, lines));
      this.replayAttempt = 0;
      this.lastFailed = false;
    } catch (error) {
      const err = classifyWriteError(error, this.now());
      this.m.errors.inc({ class: err.class });
      this.lastFailed = true;
      this.replayAttempt++;
      this.nextReplayAt =
        this.now() +
        (err.retryAfterMs ?? backoffMs(this.replayAttempt, 500, REPLAY_BACKOFF_CAP_MS, this.random));
    } finally {
      this.replaying = false;
      this.updateGauge();
    }
  }

  /** Sends one spooled record: rejected lines are dropped (counted), 413 halves, retryable errors throw. */
  private async sendSpooled(bucket: BucketRole, lines: string[]): Promise<void> {
    try {
      await this.send(bucket, lines);
      this.m.written.inc({ bucket }, lines.length);
      this.m.lastSuccess.set(this.now() / 1000);
    } catch (error) {
      const err = classifyWriteError(error, this.now());
      if (err.class === 'rejected') {
        this.m.errors.inc({ class: err.class });
        this.m.dropped.inc({ reason: 'rejected' }, lines.length);
        return;
      }
      if (err.class === 'too_large' && lines.length > 1) {
        this.m.errors.inc({ class: err.class });
        const half = Math.ceil(lines.length / 2);
        await this.sendSpooled(bucket, lines.slice(0, half));
        await this.sendSpooled(bucket, lines.slice(half));
        return;
      }
      if (err.class === 'too_large') {
        this.m.dropped.inc({ reason: 'too_large' }, 1);
        return;
      }
      throw error;
    }
  }

  /** One write request through the library's transport (same gzip and auth as WriteApi). */
  async send(bucket: BucketRole, lines: string[]): Promise<void> {
    const q = new URLSearchParams({ org: this.o.org, bucket: this.o.buckets[bucket], precision: 'ns' });
    await this.client.transport.request(`/api/v2/write?${q}`, lines.join('\n'), {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      gzipThreshold: this.o.gzipThresholdBytes,
    });
  }

  private updateGauge(): void {
    this.bufferMemory.set(this.pending + this.queuedLines);
    this.bufferSpool.set(this.o.spool?.pendingLines() ?? 0);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
