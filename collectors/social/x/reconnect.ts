// X's published reconnect guidance for the filtered stream, as a pure policy (no timers, no I/O):
// the caller reports what happened with a timestamp and asks how long to wait before the next attempt.
//
//   - stall: no data and no keep-alive newline for 20 s -> reconnect (X sends "\r\n" every ~20 s)
//   - network (TCP/TLS) errors: back off linearly, 250 ms, +250 ms per attempt, up to 16 s
//   - HTTP errors: back off exponentially from 5 s, doubling, up to 320 s
//   - HTTP 429: back off exponentially from 60 s, doubling; honour x-rate-limit-reset when later
//   - never give up; at most 50 connection attempts in any 15-minute window (the endpoint's limit)
//
// Backoff resets once a connection has proved healthy (it stayed up for `healthyAfterMs` or delivered
// `healthyAfterItems` posts): a server that accepts and drops at once keeps the backoff growing.

export type FailureKind = 'network' | 'stall' | 'http' | 'rate_limit';

export interface XReconnectTiming {
  /** Without any byte (data or keep-alive) for this long, the stream is stalled. */
  stallTimeoutMs: number;
  networkStartMs: number;
  networkStepMs: number;
  networkMaxMs: number;
  httpStartMs: number;
  httpMaxMs: number;
  rateLimitStartMs: number;
  rateLimitMaxMs: number;
  /** At most `maxAttempts` connection attempts in any sliding window of `attemptWindowMs`. */
  maxAttempts: number;
  attemptWindowMs: number;
  healthyAfterMs: number;
  healthyAfterItems: number;
}

/** The published numbers. A test pins them. */
export const DEFAULT_X_RECONNECT_TIMING: Readonly<XReconnectTiming> = Object.freeze({
  stallTimeoutMs: 20_000,
  networkStartMs: 250,
  networkStepMs: 250,
  networkMaxMs: 16_000,
  httpStartMs: 5_000,
  httpMaxMs: 320_000,
  rateLimitStartMs: 60_000,
  // X gives no ceiling for 429; its rate-limit window is 15 minutes, so waiting longer never helps.
  rateLimitMaxMs: 15 * 60_000,
  maxAttempts: 50,
  attemptWindowMs: 15 * 60_000,
  healthyAfterMs: 30_000,
  healthyAfterItems: 10,
});

/** Multiplies every duration by `factor` (tests run the real policy on a faster clock). */
export function scaleTiming(t: XReconnectTiming, factor: number): XReconnectTiming {
  const s = (ms: number): number => Math.max(1, Math.round(ms * factor));
  return {
    stallTimeoutMs: s(t.stallTimeoutMs),
    networkStartMs: s(t.networkStartMs),
    networkStepMs: s(t.networkStepMs),
    networkMaxMs: s(t.networkMaxMs),
    httpStartMs: s(t.httpStartMs),
    httpMaxMs: s(t.httpMaxMs),
    rateLimitStartMs: s(t.rateLimitStartMs),
    rateLimitMaxMs: s(t.rateLimitMaxMs),
    maxAttempts: t.maxAttempts,
    attemptWindowMs: s(t.attemptWindowMs),
    healthyAfterMs: s(t.healthyAfterMs),
    healthyAfterItems: t.healthyAfterItems,
  };
}

/** Backoff for the n-th consecutive failure of a kind (n >= 1). Pure. */
export function backoffMs(
  kind: FailureKind,
  n: number,
  t: XReconnectTiming = DEFAULT_X_RECONNECT_TIMING,
): number {
  const k = Math.max(1, Math.floor(n));
  switch (kind) {
    case 'network':
    case 'stall':
      return Math.min(t.networkStartMs + (k - 1) * t.networkStepMs, t.networkMaxMs);
    case 'http':
      return Math.min(t.httpStartMs * 2 ** Math.min(k - 1, 40), t.httpMaxMs);
    case 'rate_limit':
      return Math.min(t.rateLimitStartMs * 2 ** Math.min(k - 1, 40), t.rateLimitMaxMs);
  }
}

export class XReconnectPolicy {
  readonly timing: XReconnectTiming;
  private readonly consecutive: Record<'network' | 'http' | 'rate_limit', number> = {
    network: 0,
    http: 0,
    rate_limit: 0,
  };
  private attempts: number[] = [];
  private notBeforeMs = 0;

  constructor(timing: Partial<XReconnectTiming> = {}) {
    this.timing = { ...DEFAULT_X_RECONNECT_TIMING, ...timing };
  }

  /**
   * Records a failed or ended connection and returns the backoff it earns (ms). For 429,
   * `rateLimitResetMs` (x-rate-limit-reset, as epoch ms) is honoured when it is later than the backoff.
   */
  failed(kind: FailureKind, nowMs: number, rateLimitResetMs?: number): number {
    const bucket = kind === 'stall' ? 'network' : kind;
    const n = ++this.consecutive[bucket];
    let wait = backoffMs(kind, n, this.timing);
    if (kind === 'rate_limit' && rateLimitResetMs !== undefined && Number.isFinite(rateLimitResetMs))
      wait = Math.max(wait, rateLimitResetMs - nowMs);
    this.notBeforeMs = Math.max(this.notBeforeMs, nowMs + wait);
    return wait;
  }

  /** The connection proved healthy: the next failure starts each schedule from its first step. */
  healthy(): void {
    this.consecutive.network = 0;
    this.consecutive.http = 0;
    this.consecutive.rate_limit = 0;
  }

  /** Whether a connection that has been up `upMs` and delivered `items` posts counts as healthy. */
  isHealthy(upMs: number, items: number): boolean {
    return upMs >= this.timing.healthyAfterMs || items >= this.timing.healthyAfterItems;
  }

  /** How long to wait from `nowMs` before the next attempt: the backoff and the attempts cap. */
  waitMs(nowMs: number): number {
    let at = Math.max(nowMs, this.notBeforeMs);
    const { maxAttempts, attemptWindowMs } = this.timing;
    const recent = this.attempts.filter((a) => a > at - attemptWindowMs);
    if (recent.length >= maxAttempts) {
      // The attempt that must leave the window before another one is allowed.
      at = Math.max(at, recent[recent.length - maxAttempts]! + attemptWindowMs);
    }
    return at - nowMs;
  }

  /** Records a connection attempt (call right before connecting). */
  attempt(nowMs: number): void {
    this.attempts.push(nowMs);
    const cutoff = nowMs - this.timing.attemptWindowMs;
    while (this.attempts.length > 0 && this.attempts[0]! <= cutoff) this.attempts.shift();
  }

  /** Attempts within the window ending at `nowMs`. */
  attemptsInWindow(nowMs: number): number {
    return this.attempts.filter((a) => a > nowMs - this.timing.attemptWindowMs).length;
  }
}
