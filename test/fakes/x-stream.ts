// A local stand-in for X's API v2 filtered stream, speaking its wire format on 127.0.0.1:
//   GET  /2/tweets/search/stream/rules   -> {"data":[{id,value,tag}],"meta":{"sent","result_count"}}
//   POST /2/tweets/search/stream/rules   <- {"add":[{value,tag}]} | {"delete":{"ids":[...]}}
//                                        -> {"data":[...],"meta":{"sent","summary":{...}},"errors"?:[...]}
//   GET  /2/tweets/search/stream         -> chunked "\r\n"-delimited JSON lines, "\r\n" keep-alives
// Bearer auth is checked on every call. Faults are queued per stream connection: an HTTP status
// (429 with x-rate-limit-reset, 503), a disconnect after N posts, a stall, an operational disconnect.
// Posts are queued and delivered to the next connected stream (X itself would lose them; tests
// want exact counts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTweet {
  id: string;
  text: string;
  createdAt: string;
  lang?: string;
  authorId?: string;
  noteText?: string;
  retweetOf?: string;
}

export type StreamFault =
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { type: 'disconnect'; afterPosts: number }
  | { type: 'stall'; afterPosts: number }
  | { type: 'operational'; afterPosts: number };

export interface FakeXOptions {
  token: string;
  /** Interval of "\r\n" keep-alives on an open stream (X: ~20 s). */
  keepAliveMs?: number;
  maxRuleLength?: number;
  maxRules?: number;
}

interface Rule {
  id: string;
  value: string;
  tag?: string;
}

export interface StreamConnection {
  atMs: number;
  /** HTTP status answered. */
  status: number;
  query: string;
}

export function tweetPayload(t: FakeTweet, tag = 'cryptocrawler:test'): Record<string, unknown> {
  return {
    data: {
      id: t.id,
      text: t.text,
      created_at: t.createdAt,
      edit_history_tweet_ids: [t.id],
      ...(t.lang ? { lang: t.lang } : {}),
      ...(t.authorId ? { author_id: t.authorId } : {}),
      ...(t.noteText ? { note_tweet: { text: t.noteText, entities: {} } } : {}),
      ...(t.retweetOf ? { referenced_tweets: [{ type: 'retweeted', id: t.retweetOf }] } : {}),
    },
    matching_rules: [{ id: '1790000000000000001', tag }],
  };
}

export const OPERATIONAL_DISCONNECT = {
  errors: [
    {
      title: 'operational-disconnect',
      disconnect_type: 'UpstreamOperationalDisconnect',
      detail: 'This stream has been disconnected upstream for operational reasons.',
      type: 'https://api.twitter.com/2/problems/operational-disconnect',
    },
  ],
};

export class FakeXServer {
  readonly rules = new Map<string, Rule>();
  readonly connections: StreamConnection[] = [];
  readonly ruleRequests: Array<{ method: string; body?: unknown }> = [];
  private readonly faults: StreamFault[] = [];
  private readonly queue: string[] = [];
  private readonly open = new Set<{ res: http.ServerResponse; deliver: () => void }>();
  private readonly server: http.Server;
  private nextId = 1790200000000000000n;
  url = '';

  constructor(private readonly o: FakeXOptions) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const c of this.open) c.res.destroy();
    this.open.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Adds a rule directly (as another app or a previous run would have). */
  seedRule(value: string, tag?: string): string {
    const id = (this.nextId++).toString();
    this.rules.set(id, { id, value, ...(tag !== undefined ? { tag } : {}) });
    return id;
  }

  /** Faults are consumed one per stream connection, in order. */
  fault(...f: StreamFault[]): void {
    this.faults.push(...f);
  }

  /** Queues lines for the stream (tweets, error payloads or raw text), delivered in order. */
  push(...items: Array<FakeTweet | Record<string, unknown> | string>): void {
    for (const it of items) {
      if (typeof it === 'string') this.queue.push(it);
      else if ('id' in it && 'text' in it) this.queue.push(JSON.stringify(tweetPayload(it as FakeTweet)));
      else this.queue.push(JSON.stringify(it));
    }
    for (const c of this.open) c.deliver();
  }

  pending(): number {
    return this.queue.length;
  }

  openStreams(): number {
    return this.open.size;
  }

  private authorized(req: http.IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.o.token}`;
  }

  private json(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    if (!this.authorized(req)) {
      this.json(res, 401, {
        title: 'Unauthorized',
        type: 'about:blank',
        status: 401,
        detail: 'Unauthorized',
      });
      return;
    }
    if (u.pathname === '/2/tweets/search/stream/rules') {
      if (req.method === 'GET') return this.listRules(res);
      if (req.method === 'POST') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => this.updateRules(res, Buffer.concat(chunks).toString('utf8')));
        return;
      }
    }
    if (u.pathname === '/2/tweets/search/stream' && req.method === 'GET')
      return this.stream(req, res, u.search);
    this.json(res, 404, {
      title: 'Not Found Error',
      type: 'about:blank',
      status: 404,
      detail: 'no such endpoint',
    });
  }

  private listRules(res: http.ServerResponse): void {
    this.ruleRequests.push({ method: 'GET' });
    const data = [...this.rules.values()];
    const meta = { sent: new Date().toISOString(), result_count: data.length };
    this.json(res, 200, data.length ? { data, meta } : { meta });
  }

  private updateRules(res: http.ServerResponse, text: string): void {
    let body: { add?: Array<{ value?: unknown; tag?: unknown }>; delete?: { ids?: unknown } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      this.json(res, 400, {
        title: 'Invalid Request',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
      return;
    }
    this.ruleRequests.push({ method: 'POST', body });
    const sent = new Date().toISOString();
    if (body.delete && Array.isArray(body.delete.ids)) {
      let deleted = 0;
      for (const id of body.delete.ids) if (typeof id === 'string' && this.rules.delete(id)) deleted++;
      const notDeleted = body.delete.ids.length - deleted;
      this.json(res, 200, { meta: { sent, summary: { deleted, not_deleted: notDeleted } } });
      return;
    }
    if (!Array.isArray(body.add)) {
      this.json(res, 400, {
        title: 'Invalid Request',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
      return;
    }
    const data: Rule[] = [];
    const errors: Array<Record<string, unknown>> = [];
    for (const r of body.add) {
      const value = String(r.value ?? '');
      const existing = [...this.rules.values()].find((x) => x.value === value);
      if (existing) {
        errors.push({
          value,
          id: existing.id,
          title: 'DuplicateRule',
          type: 'https://api.twitter.com/2/problems/duplicate-rules',
        });
      } else if (value.length > (this.o.maxRuleLength ?? 512)) {
        errors.push({
          value,
          title: 'RuleLengthExceeded',
          type: 'https://api.twitter.com/2/problems/invalid-rules',
        });
      } else if (this.rules.size >= (this.o.maxRules ?? 1000)) {
        errors.push({ value, title: 'RuleCapExceeded', type: 'https://api.twitter.com/2/problems/rule-cap' });
      } else {
        const id = this.seedRule(value, typeof r.tag === 'string' ? r.tag : undefined);
        data.push(this.rules.get(id)!);
      }
    }
    const summary = {
      created: data.length,
      not_created: errors.length,
      valid: data.length,
      invalid: errors.length,
    };
    this.json(res, 201, {
      ...(data.length ? { data } : {}),
      meta: { sent, summary },
      ...(errors.length ? { errors } : {}),
    });
  }

  private stream(req: http.IncomingMessage, res: http.ServerResponse, query: string): void {
    const fault = this.faults.shift();
    const conn: StreamConnection = { atMs: Date.now(), status: 200, query };
    this.connections.push(conn);
    if (fault?.type === 'status') {
      conn.status = fault.status;
      const body =
        fault.body ??
        (fault.status === 429
          ? { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }
          : {
              title: 'Service Unavailable',
              detail: 'Service Unavailable',
              type: 'about:blank',
              status: fault.status,
            });
      this.json(res, fault.status, body, fault.headers);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let sent = 0;
    let silent = false;
    const applyFault = (f: Exclude<StreamFault, { type: 'status' }>): void => {
      if (f.type === 'stall') silent = true;
      else if (f.type === 'disconnect') {
        cleanup();
        res.destroy();
      } else {
        res.write(`${JSON.stringify(OPERATIONAL_DISCONNECT)}\r\n`);
        cleanup();
        res.end();
      }
    };
    const entry = {
      res,
      deliver: (): void => {
        while (!silent && !res.destroyed && !res.writableEnded) {
          if (fault && sent >= fault.afterPosts) return applyFault(fault);
          const line = this.queue.shift();
          if (line === undefined) return;
          res.write(`${line}\r\n`);
          sent++;
        }
      },
    };
    const keepAlive = setInterval(() => {
      if (!silent && !res.destroyed && !res.writableEnded) res.write('\r\n');
    }, this.o.keepAliveMs ?? 20_000);
    const cleanup = (): void => {
      clearInterval(keepAlive);
      this.open.delete(entry);
    };
    this.open.add(entry);
    req.on('close', cleanup);
    res.on('close', cleanup);
    entry.deliver();
  }
}
