// A local CryptoCompare min-api: pricemulti, coinlist and the v2 histo endpoints with their real
// response shapes and toTs/limit paging, plus the failure modes CryptoCompare has (errors and rate
// limits as HTTP 200 bodies, HTML error pages, truncated JSON). Loopback only, port 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface ScriptedAnswer {
  status?: number;
  contentType?: string;
  /** A raw body; objects are JSON-encoded. */
  body?: string | object;
  delayMs?: number;
  /** Answer this request normally (lets a script put failures after some good answers). */
  passThrough?: boolean;
}

export const STEP: Record<string, number> = { histominute: 60, histohour: 3600, histoday: 86_400 };
const DEFAULT_LIMIT: Record<string, number> = { histominute: 1440, histohour: 168, histoday: 30 };

export const RATE_LIMIT_BODY = {
  Response: 'Error',
  Message: 'You are over your rate limit please upgrade your account!',
  HasWarning: false,
  Type: 99,
  RateLimit: {
    calls_made: { second: 1, minute: 301, hour: 301, day: 301, month: 301 },
    max_calls: { second: 20, minute: 300, hour: 3000, day: 7500, month: 100000 },
  },
  Data: {},
};

export function errorBody(message: string, type = 2): object {
  return { Response: 'Error', Message: message, HasWarning: false, Type: type, RateLimit: {}, Data: {} };
}

/** The fake's deterministic price of a pair at a second: smooth, positive, exact to the cent. */
export function fakePrice(fsym: string, tsym: string, t: number): number {
  const base = (fsym === 'BTC' ? 40_000 : fsym === 'ETH' ? 2_000 : 0.25) * (tsym === 'EUR' ? 0.9 : 1);
  return Math.round(base * (1 + 0.02 * Math.sin(t / 7200)) * 100) / 100;
}

export function fakeBar(fsym: string, tsym: string, t: number, step: number) {
  const open = fakePrice(fsym, tsym, t);
  const close = fakePrice(fsym, tsym, t + step);
  const volumefrom = 1 + ((t / step) % 7);
  return {
    time: t,
    high: Math.round(Math.max(open, close) * 1.001 * 1e4) / 1e4,
    low: Math.round(Math.min(open, close) * 0.999 * 1e4) / 1e4,
    open,
    volumefrom,
    volumeto: Math.round(volumefrom * close * 100) / 100,
    close,
    conversionType: 'direct',
    conversionSymbol: '',
  };
}

export class FakeCryptoCompare {
  readonly requests: FakeRequest[] = [];
  coins = ['BTC', 'ETH', 'IOTA', 'LTC', 'DOGE'];
  /** Current prices answered by pricemulti (pairs absent here are absent from the answer). */
  prices: Record<string, Record<string, unknown>> = {
    BTC: { USD: 43012.5, EUR: 39500.25 },
    ETH: { USD: 2301.2, EUR: 2110.75 },
    IOTA: { USD: 0.2512, EUR: 0.2301 },
  };
  /** Bars before this second are all zeros (the coin was not listed yet), by symbol. */
  listedSince: Record<string, number> = {};
  /** Scripted answers, consumed first-in first-out per endpoint name ("pricemulti", "histominute", ...). */
  readonly script = new Map<string, ScriptedAnswer[]>();
  /** Delay applied to every pricemulti answer. */
  priceDelayMs = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this.url();
  }

  url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  push(endpoint: string, ...answers: ScriptedAnswer[]): void {
    this.script.set(endpoint, [...(this.script.get(endpoint) ?? []), ...answers]);
  }

  count(endpoint: string): number {
    return this.requests.filter((r) => r.path.endsWith(`/${endpoint}`)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(u.searchParams);
    this.requests.push({ path: u.pathname, query, headers: req.headers });
    const endpoint = u.pathname.split('/').pop() ?? '';
    const scripted = this.script.get(endpoint)?.shift();
    if (scripted && !scripted.passThrough) {
      if (scripted.delayMs) await sleep(scripted.delayMs);
      const body = typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body ?? {});
      res.writeHead(scripted.status ?? 200, { 'content-type': scripted.contentType ?? 'application/json' });
      res.end(body);
      return;
    }
    if (u.pathname === '/data/pricemulti') {
      if (this.priceDelayMs) await sleep(this.priceDelayMs);
      const out: Record<string, Record<string, unknown>> = {};
      for (const f of (query.fsyms ?? '').split(',')) {
        const row = this.prices[f];
        if (!row) continue;
        out[f] = {};
        for (const t of (query.tsyms ?? '').split(',')) if (t in row) out[f][t] = row[t];
      }
      if (Object.keys(out).length === 0)
        return json(res, errorBody('There is no data for any of the toSymbols', 1));
      return json(res, out);
    }
    if (u.pathname === '/data/all/coinlist') {
      const Data = Object.fromEntries(
        this.coins.map((c, i) => [c, { Id: String(1000 + i), Symbol: c, CoinName: c }]),
      );
      return json(res, { Response: 'Success', Message: 'Coin list succesfully returned!', Data, Type: 100 });
    }
    const m = /^\/data\/v2\/(histominute|histohour|histoday)$/.exec(u.pathname);
    if (m) return json(res, this.histo(m[1]!, query));
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body><h1>404 Not Found</h1></body></html>');
  }

  private histo(kind: string, q: Record<string, string>): object {
    const step = STEP[kind]!;
    const fsym = q.fsym;
    const tsym = q.tsym;
    if (!fsym || !tsym) return errorBody('fsym is a required param.');
    const limit = q.limit === undefined ? DEFAULT_LIMIT[kind]! : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 2000)
      return errorBody('limit param is not an integer or above 2000');
    const toTs = q.toTs === undefined ? Math.floor(Date.now() / 1000) : Number(q.toTs);
    const timeTo = Math.floor(toTs / step) * step;
    const timeFrom = timeTo - limit * step;
    const listed = this.listedSince[fsym] ?? 0;
    const Data = [];
    for (let t = timeFrom; t <= timeTo; t += step) {
      Data.push(
        t < listed
          ? {
              time: t,
              high: 0,
              low: 0,
              open: 0,
              volumefrom: 0,
              volumeto: 0,
              close: 0,
              conversionType: 'direct',
              conversionSymbol: '',
            }
          : fakeBar(fsym, tsym, t, step),
      );
    }
    return {
      Response: 'Success',
      Message: '',
      HasWarning: false,
      Type: 100,
      RateLimit: {},
      Data: { Aggregated: false, TimeFrom: timeFrom, TimeTo: timeTo, Data },
    };
  }
}

function json(res: ServerResponse, body: object): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
