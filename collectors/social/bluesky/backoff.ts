// Reconnect backoff for Jetstream: exponential with jitter, so many clients dropped by one relay
// restart do not all come back in the same millisecond. Pure: the random source is passed in.

export interface JetstreamTiming {
  initialDelayMs: number;
  maxDelayMs: number;
  /** No message at all for this long (the firehose is never quiet) -> reconnect. */
  stallTimeoutMs: number;
  handshakeTimeoutMs: number;
  /** A connection that delivered this many messages is healthy: the backoff starts over. */
  healthyAfterMessages: number;
}

export const DEFAULT_JETSTREAM_TIMING: Readonly<JetstreamTiming> = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  stallTimeoutMs: 60_000,
  handshakeTimeoutMs: 10_000,
  healthyAfterMessages: 10,
});

/**
 * Delay before reconnect attempt n (n >= 1): the capped exponential step, of which a random half
 * is kept ("equal jitter"): in [step/2, step].
 */
export function jitteredBackoffMs(
  n: number,
  t: Pick<JetstreamTiming, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const step = Math.min(t.maxDelayMs, t.initialDelayMs * 2 ** Math.min(Math.max(0, Math.floor(n) - 1), 40));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * r);
}
