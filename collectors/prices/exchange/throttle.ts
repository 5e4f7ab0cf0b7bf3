// At most one point per product per second, last value wins. Pure (time comes from the caller).
//
// Coinbase sends a ticker for every trade: dozens a second for BTC-USD at busy times. Dashboards and
// analytics align on minutes, so one point per second keeps the shape at a fraction of the writes.
// Each point is stamped with the whole second its ticker belongs to, so a second is written once,
// with the last ticker seen in it.

export class PerSecondThrottle<T> {
  private readonly pending = new Map<string, { second: number; value: T }>();
  private readonly lastEmitted = new Map<string, number>();

  /** Offers a value; returns values whose second is complete because a later second began. */
  offer(key: string, timeMs: number, value: T): Array<{ key: string; second: number; value: T }> {
    const second = Math.floor(timeMs / 1000);
    const out: Array<{ key: string; second: number; value: T }> = [];
    const last = this.lastEmitted.get(key);
    // An older second than one already written (a late message): writing it would rewrite history.
    if (last !== undefined && second <= last) return out;
    const p = this.pending.get(key);
    if (p && second < p.second) return out;
    if (p && second > p.second) out.push(this.emit(key, p));
    this.pending.set(key, { second, value });
    return out;
  }

  /** Values whose second is before `nowMs`'s second: quiet products still get their last point out. */
  due(nowMs: number): Array<{ key: string; second: number; value: T }> {
    const nowS = Math.floor(nowMs / 1000);
    const out: Array<{ key: string; second: number; value: T }> = [];
    for (const [key, p] of this.pending) if (p.second < nowS) out.push(this.emit(key, p));
    return out;
  }

  /** Everything pending, for shutdown. */
  drain(): Array<{ key: string; second: number; value: T }> {
    return [...this.pending].map(([key, p]) => this.emit(key, p));
  }

  /** Values offered but not yet emitted. */
  size(): number {
    return this.pending.size;
  }

  private emit(key: string, p: { second: number; value: T }) {
    this.pending.delete(key);
    this.lastEmitted.set(key, p.second);
    return { key, second: p.second, value: p.value };
  }
}
