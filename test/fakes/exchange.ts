// A local Coinbase-Exchange-like WebSocket feed: the subscribe handshake, `subscriptions` answer,
// ticker and heartbeat messages, and the faults a real feed has (drops, silence). Loopback, port 0.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeClient {
  ws: WebSocket;
  products: string[];
  subscribed: boolean;
  openedAt: number;
}

export class FakeCoinbase {
  readonly clients: FakeClient[] = [];
  readonly subscribeMessages: unknown[] = [];
  /** Highest number of connections open at the same time. */
  maxConcurrent = 0;
  /** While true, no heartbeats are sent (a stalled link). */
  silent = false;
  private wss: WebSocketServer | undefined;
  private hb: NodeJS.Timeout | undefined;
  private seq = 1;

  async start(heartbeatEveryMs = 200): Promise<string> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss!.once('listening', () => r()));
    this.wss.on('connection', (ws) => {
      const c: FakeClient = { ws, products: [], subscribed: false, openedAt: Date.now() };
      this.clients.push(c);
      this.maxConcurrent = Math.max(this.maxConcurrent, this.open().length);
      ws.on('message', (data) => {
        let m: { type?: string; product_ids?: string[]; channels?: string[] };
        try {
          m = JSON.parse(data.toString());
        } catch {
          return;
        }
        this.subscribeMessages.push(m);
        if (m.type !== 'subscribe' || !Array.isArray(m.product_ids)) {
          ws.send(JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: 'bad message' }));
          return;
        }
        c.products = m.product_ids;
        c.subscribed = true;
        ws.send(
          JSON.stringify({
            type: 'subscriptions',
            channels: (m.channels ?? []).map((name) => ({ name, product_ids: m.product_ids })),
          }),
        );
      });
    });
    this.hb = setInterval(() => {
      if (this.silent) return;
      for (const c of this.open())
        for (const p of c.products)
          c.ws.send(
            JSON.stringify({
              type: 'heartbeat',
              sequence: this.seq++,
              last_trade_id: 1,
              product_id: p,
              time: new Date().toISOString(),
            }),
          );
    }, heartbeatEveryMs);
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  open(): FakeClient[] {
    return this.clients.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  subscribed(): FakeClient[] {
    return this.open().filter((c) => c.subscribed);
  }

  /** Sends a raw message to every subscribed client. */
  sendRaw(text: string): void {
    for (const c of this.subscribed()) c.ws.send(text);
  }

  sendTicker(product: string, price: string, time: string, extra: Record<string, unknown> = {}): void {
    this.sendRaw(
      JSON.stringify({
        type: 'ticker',
        sequence: this.seq++,
        product_id: product,
        price,
        open_24h: '42000.00',
        volume_24h: '12345.67',
        low_24h: '41000.00',
        high_24h: '44000.00',
        volume_30d: '400000.1',
        best_bid: (Number(price) - 0.01).toFixed(2),
        best_bid_size: '0.5',
        best_ask: (Number(price) + 0.01).toFixed(2),
        best_ask_size: '0.4',
        side: 'buy',
        time,
        trade_id: this.seq,
        last_size: '0.001',
        ...extra,
      }),
    );
  }

  /** Cuts every connection without a close frame (as a reset would). */
  dropAll(): void {
    for (const c of this.open()) c.ws.terminate();
  }

  async stop(): Promise<void> {
    if (this.hb) clearInterval(this.hb);
    for (const c of this.clients) c.ws.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}
