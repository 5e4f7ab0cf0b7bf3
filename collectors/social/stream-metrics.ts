// Health of a long-lived stream connection, shared by the X and Jetstream sources (same names and
// labels, so one dashboard panel covers both). Routine events are counted here, not logged.
import type { ServiceRegistry } from '../../src/core/metrics/registry.ts';

/** Values of the `stream_state` gauge. */
export const STREAM_STATE = { stopped: 0, connecting: 1, running: 2, backoff: 3 } as const;
export type StreamStateName = keyof typeof STREAM_STATE;

export interface StreamMetrics {
  setState(state: StreamStateName): void;
  attempt(): void;
  reconnect(reason: string): void;
  event(nowMs: number): void;
  /** Frames or events that are not posts (keep-alives, identity events, ...), by reason. */
  skipped(reason: string): void;
}

export function streamMetrics(r: ServiceRegistry, source: string): StreamMetrics {
  const state = r.gauge('stream_state', 'Stream state: 0 stopped, 1 connecting, 2 running, 3 backoff.', [
    'source',
  ]);
  const attempts = r.counter('stream_connection_attempts_total', 'Stream connection attempts.', ['source']);
  const reconnects = r.counter('stream_reconnects_total', 'Stream reconnects, by cause.', [
    'source',
    'reason',
  ]);
  const last = r.gauge('stream_last_event_timestamp_seconds', 'Unix time of the last stream event.', [
    'source',
  ]);
  const skipped = r.counter(
    'stream_events_skipped_total',
    'Stream events that carry no post (keep-alives, identity/account events, deletes, ...), by reason.',
    ['source', 'reason'],
  );
  state.set({ source }, STREAM_STATE.stopped);
  return {
    setState: (s) => state.set({ source }, STREAM_STATE[s]),
    attempt: () => attempts.inc({ source }),
    reconnect: (reason) => reconnects.inc({ source, reason }),
    event: (nowMs) => last.set({ source }, nowMs / 1000),
    skipped: (reason) => skipped.inc({ source, reason }),
  };
}
