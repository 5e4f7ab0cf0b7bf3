// Reconnect backoff for Jetstream: exponential with jitter, so many clients dropped by one relay
// restart do not all come back in the same millisecond. Pure: the random source is passed in.
import { backoffMs } from '../../../src/core/backoff.ts';

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

/** Delay before reconnect attempt n (n >= 1): the project's equal-jitter backoff, in [step/2, step]. */
export function jitteredBackoffMs(
  n: number,
  t: Pick<JetstreamTiming, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  return backoffMs(n, t.initialDelayMs, t.maxDelayMs, random);
}
