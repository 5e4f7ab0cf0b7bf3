// A local stand-in for a Bluesky Jetstream instance (ws on 127.0.0.1), speaking its wire format:
// GET /subscribe?wantedCollections=...&cursor=<time_us>&maxMessageSizeBytes=N upgrades to a WebSocket
// that sends one JSON event per text frame. Events live in an in-memory log ordered by time_us; a
// client with a cursor gets the log replayed from that time, then live events. `dropConnections()`
// cuts every socket; `restart()` stops and reopens the server on the same port (the log survives).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface JetstreamEvent {
  did: string;
  time_us: number;
  kind: 'commit' | 'identity' | 'account' | string;
  [k: string]: unknown;
}

export interface SubscribeRequest {
  atMs: number;
  cursor?: number;
  wantedCollections: string[];
  maxMessageSizeBytes?: number;
}

let clock = 0;
/** A strictly increasing time_us near now (several events per ms keep distinct times). */
export function nextTimeUs(): number {
  clock = Math.max(clock + 1, Date.now() * 1000);
  return clock;
}

export function postEvent(o: {
  did: string;
  rkey: string;
  text: string;
  timeUs?: number;
  langs?: string[];
  createdAt?: string;
}): JetstreamEvent {
  const timeUs = o.timeUs ?? nextTimeUs();
  return {
    did: o.did,
    time_us: timeUs,
    kind: 'commit',
    commit: {
      rev: `rev${o.rkey}`,
      operation: 'create',
      collection: 'app.bsky.feed.post',
      rkey: o.rkey,
      record: {
        $type: 'app.bsky.feed.post',
        createdAt: o.createdAt ?? new Date(Math.floor(timeUs / 1000)).toISOString(),
        langs: o.langs ?? ['en'],
        text: o.text,
      },
      cid: `bafyrei${o.rkey}`,
    },
  };
}

export function updateEvent(did: string, rkey: string, text: string): JetstreamEvent {
  const e = postEvent({ did, rkey, text });
  (e.commit as { operation: string }).operation = 'update';
  return e;
}

export function deleteEvent(did: string, rkey: string): JetstreamEvent {
  return {
    did,
    time_us: nextTimeUs(),
    kind: 'commit',
    commit: { rev: `rev${rkey}d`, operation: 'delete', collection: 'app.bsky.feed.post', rkey },
  };
}

export function identityEvent(did: string, handle: string): JetstreamEvent {
  const t = nextTimeUs();
  return {
    did,
    time_us: t,
    kind: 'identity',
    identity: { did, handle, seq: t, time: new Date(t / 1000).toISOString() },
  };
}

export function accountEvent(did: string, active: boolean): JetstreamEvent {
  const t = nextTimeUs();
  return {
    did,
    time_us: t,
    kind: 'account',
    account: { active, did, seq: t, time: new Date(t / 1000).toISOString() },
  };
}

interface Client {
  ws: WebSocket;
  wanted: Set<string>;
  maxBytes: number;
}

export class FakeJetstream {
  readonly log: JetstreamEvent[] = [];
  readonly requests: SubscribeRequest[] = [];
  private readonly clients = new Set<Client>();
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private port = 0;

  get url(): string {
    return `ws://127.0.0.1:${this.port}/subscribe`;
  }

  async start(): Promise<string> {
    const server = http.createServer((_req, res) => {
      res.writeHead(404).end();
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname !== '/subscribe') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.subscribe(ws, u));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
    return this.url;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    this.wss?.close();
    const s = this.server;
    this.server = undefined;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  /** Stops and reopens on the same port; the event log survives, as a relay's would. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  /** Cuts every connection without a close handshake (a network reset). */
  dropConnections(): void {
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
  }

  connected(): number {
    return this.clients.size;
  }

  /** Appends events to the log and sends them to every live client. */
  emit(...events: JetstreamEvent[]): void {
    for (const e of events) {
      this.log.push(e);
      for (const c of this.clients) this.send(c, e);
    }
  }

  /** Sends a raw frame (not logged, never replayed): invalid JSON, huge or binary frames. */
  sendRaw(data: string | Buffer, binary = false): void {
    for (const c of this.clients) c.ws.send(data, { binary });
  }

  private subscribe(ws: WebSocket, u: URL): void {
    const cursorRaw = u.searchParams.get('cursor');
    const cursor = cursorRaw !== null && /^\d+$/.test(cursorRaw) ? Number(cursorRaw) : undefined;
    const wanted = u.searchParams.getAll('wantedCollections');
    const maxRaw = Number(u.searchParams.get('maxMessageSizeBytes') ?? 0);
    this.requests.push({
      atMs: Date.now(),
      ...(cursor !== undefined ? { cursor } : {}),
      wantedCollections: wanted,
      ...(maxRaw > 0 ? { maxMessageSizeBytes: maxRaw } : {}),
    });
    const client: Client = { ws, wanted: new Set(wanted), maxBytes: maxRaw > 0 ? maxRaw : Infinity };
    // A cursor in the future (or none) live-tails, as Jetstream does.
    if (cursor !== undefined) for (const e of this.log) if (e.time_us >= cursor) this.send(client, e);
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
  }

  private send(c: Client, e: JetstreamEvent): void {
    if (e.kind === 'commit') {
      const col = (e.commit as { collection?: string } | undefined)?.collection ?? '';
      if (c.wanted.size > 0 && !c.wanted.has(col)) return;
    }
    const text = JSON.stringify(e);
    if (Buffer.byteLength(text) > c.maxBytes) return;
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }
}
