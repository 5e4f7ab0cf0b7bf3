// Coinbase Exchange ticker stream -> `price` points (source=coinbase).
//
// One WebSocket subscribed to the `ticker` and `heartbeat` channels of the configured products.
// Liveness: Coinbase sends a heartbeat per product every second; none for heartbeatTimeoutSeconds
// means the link is dead (a half-open TCP connection can stay silent for minutes), so it is
// terminated and reopened with exponential backoff. Lifetime: before maxConnectionLifetimeSeconds a
// second connection is opened and subscribed, and only then is the old one closed, so the exchange's
// own drop of long-lived connections never leaves a hole. Writes are throttled to one point per
// product per second (throttle.ts); messages of both connections during a hand-over collapse there.
import WebSocket from 'ws';
import { backoffMs } from '../../../src/core/backoff.ts';
import { InvalidPointError } from '../../../src/core/write/line.ts';
import { streamMetrics } from '../../social/stream-metrics.ts';
import type { Source, SourceContext, SourceState } from '../../source.ts';
import { priceLine } from '../price.ts';
import type { CoinbaseConfig } from './config.ts';
import { parseCoinbaseMessage, type Ticker } from './parse.ts';
import { parseUnified, toProductId } from './symbols.ts';
import { PerSecondThrottle } from './throttle.ts';

export const SOURCE_NAME = 'coinbase';
export const CHECK_INTERVAL_MS = 250;

interface Conn {
  ws: WebSocket;
  openedAt: number;
  lastHeartbeatAt: number;
  subscribed: boolean;
  lastError?: string;
}

export type ReconnectReason = 'closed' | 'heartbeat_timeout' | 'lifetime';

export class CoinbaseSource implements Source {
  private st: SourceState = 'stopped';
  private current: Conn | undefined;
  /** The connection that will replace `current` once subscribed (lifetime hand-over). */
  private next: Conn | undefined;
  private attempts = 0;
  private rotateNotBefore = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly products: string[];
  private readonly throttle = new PerSecondThrottle<Ticker>();
  private readonly log;
  private readonly m;

  constructor(
    private readonly ctx: SourceContext,
    private readonly cfg: CoinbaseConfig,
  ) {
    this.log = ctx.log.child({ source: SOURCE_NAME });
    this.products = cfg.products.map((p) => toProductId(parseUnified(p)!));
    const r = ctx.metrics;
    this.m = {
      points: r.counter('price_points_total', 'Price points written, by source.', ['source']),
      rejected: r.counter('price_rejected_total', 'Prices refused, by source and reason.', [
        'source',
        'reason',
      ]),
      messages: r.counter('stream_messages_total', 'Stream messages received, by source and kind.', [
        'source',
        'kind',
      ]),
      // The same stream health series as the social streams: one dashboard panel covers all.
      stream: streamMetrics(r, SOURCE_NAME),
    };
  }

  state(): SourceState {
    return this.st;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.st = 'starting';
    this.m.stream.setState('connecting');
    this.current = this.open();
    this.checkTimer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    const closing = [this.current, this.next]
      .filter((c): c is Conn => c !== undefined)
      .map((c) => closeConn(c));
    this.current = this.next = undefined;
    await Promise.all(closing);
    this.writeTickers(this.throttle.drain());
    this.m.stream.setState('stopped');
    this.st = 'stopped';
  }

  private open(): Conn {
    this.m.stream.attempt();
    const ws = new WebSocket(this.cfg.url, { handshakeTimeout: this.cfg.handshakeTimeoutMs });
    const now = this.ctx.now();
    const c: Conn = { ws, openedAt: now, lastHeartbeatAt: now, subscribed: false };
    ws.on('open', () => {
      ws.send(
        JSON.stringify({ type: 'subscribe', product_ids: this.products, channels: ['ticker', 'heartbeat'] }),
      );
    });
    ws.on('message', (data: WebSocket.RawData) => this.onMessage(c, data.toString()));
    ws.on('error', (err: Error) => (c.lastError = err.message));
    ws.on('close', () => this.onClose(c));
    return c;
  }

  private onMessage(c: Conn, text: string): void {
    const msg = parseCoinbaseMessage(text, this.cfg.maxPrice);
    this.m.messages.inc({ source: SOURCE_NAME, kind: msg.kind });
    switch (msg.kind) {
      case 'heartbeat':
        c.lastHeartbeatAt = this.ctx.now();
        return;
      case 'subscriptions':
        this.onSubscribed(c, msg.products);
        return;
      case 'ticker':
        c.lastHeartbeatAt = Math.max(c.lastHeartbeatAt, this.ctx.now());
        this.writeTickers(this.throttle.offer(toProductId(msg.pair), msg.timeMs, msg));
        return;
      case 'error':
        // Usually a product Coinbase does not list: the config must change.
        this.log.error({ error: msg.message }, 'Coinbase refused the subscription or reported an error');
        return;
      case 'invalid':
        this.m.rejected.inc({ source: SOURCE_NAME, reason: msg.reason });
        return;
      case 'ignored':
        return;
    }
  }

  private onSubscribed(c: Conn, products: string[]): void {
    if (c.subscribed) return;
    c.subscribed = true;
    const missing = this.products.filter((p) => !products.includes(p));
    if (missing.length > 0) this.log.warn({ missing }, 'Coinbase did not confirm every product');
    if (c === this.next) {
      // Hand-over: the new connection is live, the old one can go.
      const old = this.current;
      this.current = c;
      this.next = undefined;
      this.m.stream.reconnect('lifetime');
      if (old) void closeConn(old);
    }
    if (c === this.current) {
      this.attempts = 0;
      this.st = 'running';
      this.m.stream.setState('running');
    }
  }

  private onClose(c: Conn): void {
    if (this.stopping) return;
    if (c === this.next) {
      // The replacement failed; the current connection keeps serving, try again later.
      this.next = undefined;
      this.rotateNotBefore =
        this.ctx.now() + backoffMs(++this.attempts, this.cfg.initialBackoffMs, this.cfg.maxBackoffMs);
      return;
    }
    if (c !== this.current) return;
    this.current = undefined;
    if (this.next) {
      // A hand-over is under way: let the new connection take over when it is subscribed.
      this.current = this.next;
      this.next = undefined;
      if (this.current.subscribed) return;
    }
    this.lost('closed', c.lastError);
  }

  private lost(reason: ReconnectReason, error?: string): void {
    this.m.stream.reconnect(reason);
    this.m.stream.setState('backoff');
    this.st = 'reconnecting';
    if (this.current && !this.current.subscribed) return;
    const delay = backoffMs(++this.attempts, this.cfg.initialBackoffMs, this.cfg.maxBackoffMs);
    if (this.attempts === 1 || this.attempts % 10 === 0)
      this.log.warn(
        { reason, error, attempt: this.attempts, retryInMs: delay },
        'Coinbase stream lost; reconnecting',
      );
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopping && !this.current) this.current = this.open();
    }, delay);
  }

  private check(): void {
    const now = this.ctx.now();
    this.writeTickers(this.throttle.due(now));
    const c = this.current;
    if (!c) return;
    if (now - c.lastHeartbeatAt > this.cfg.heartbeatTimeoutSeconds * 1000) {
      this.current = undefined;
      c.ws.terminate();
      this.lost('heartbeat_timeout');
      return;
    }
    const n = this.next;
    if (n && now - n.lastHeartbeatAt > this.cfg.heartbeatTimeoutSeconds * 1000) {
      this.next = undefined;
      n.ws.terminate();
      this.rotateNotBefore =
        now + backoffMs(++this.attempts, this.cfg.initialBackoffMs, this.cfg.maxBackoffMs);
    }
    if (
      !this.next &&
      c.subscribed &&
      now - c.openedAt >= this.cfg.maxConnectionLifetimeSeconds * 1000 &&
      now >= this.rotateNotBefore
    ) {
      this.next = this.open();
    }
  }

  private writeTickers(items: Array<{ second: number; value: Ticker }>): void {
    if (items.length === 0) return;
    const lines: string[] = [];
    for (const { second, value: t } of items) {
      try {
        lines.push(
          priceLine({
            symbol: t.pair.symbol,
            quote: t.pair.quote,
            source: SOURCE_NAME,
            fields: { price: t.price, volume_24h: t.volume24h, best_bid: t.bestBid, best_ask: t.bestAsk },
            timeNs: BigInt(second) * 1_000_000_000n,
          }),
        );
      } catch (err) {
        if (!(err instanceof InvalidPointError)) throw err;
        this.m.rejected.inc({ source: SOURCE_NAME, reason: 'invalid_point' });
      }
    }
    if (lines.length === 0) return;
    this.ctx.writer.write('main', lines);
    this.m.points.inc({ source: SOURCE_NAME }, lines.length);
    this.m.stream.event(this.ctx.now());
  }
}

function closeConn(c: Conn): Promise<void> {
  return new Promise((resolve) => {
    const ws = c.ws;
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const t = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1000);
    ws.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000, 'closing');
  });
}
