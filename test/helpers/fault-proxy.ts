// A loopback HTTP proxy in front of the real influxd that injects faults on demand: HTTP errors with
// chosen headers, connection resets, or a down period. It is not a fake InfluxDB: every request it
// does not fail is forwarded to the real server, and the real answer comes back.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }
  | { kind: 'tooLargeAbove'; lines: number };

export interface SeenRequest {
  at: number;
  method: string;
  path: string;
  lines: number;
  outcome: 'forwarded' | 'fault';
  status?: number;
}

export interface FaultProxy {
  url: string;
  /** Faults applied to the next write requests, one each, in order. */
  failNext(...faults: Fault[]): void;
  /** A fault applied to every write while set. */
  setSticky(fault: Fault | undefined): void;
  seen: SeenRequest[];
  close(): Promise<void>;
}

function countLines(req: IncomingMessage, body: Buffer): number {
  const text =
    req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString('utf8') : body.toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '').length;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const queue: Fault[] = [];
  let sticky: Fault | undefined;
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isWrite = (req.url ?? '').startsWith('/api/v2/write');
      const lines = isWrite ? countLines(req, body) : 0;
      let fault = isWrite ? (queue.shift() ?? sticky) : undefined;
      if (fault?.kind === 'tooLargeAbove')
        fault = lines > fault.lines ? { kind: 'status', status: 413 } : undefined;
      const rec: SeenRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        lines,
        outcome: 'forwarded',
      };
      seen.push(rec);
      if (fault?.kind === 'reset') {
        rec.outcome = 'fault';
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        rec.outcome = 'fault';
        rec.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ code: 'injected', message: `injected ${fault.status}` }));
        return;
      }
      const up = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          rec.status = upRes.statusCode;
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => {
        rec.status = 502;
        req.socket.destroy();
      });
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    failNext: (...f) => queue.push(...f),
    setSticky: (f) => {
      sticky = f;
    },
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
