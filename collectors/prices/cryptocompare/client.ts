// The HTTP edge of CryptoCompare: one keep-alive undici Pool per base URL, timeouts on connect,
// headers and body, a bound on the body size, and every answer classified by parse.ts. Never throws
// for network trouble: that is a `network` failure the caller counts and backs off from.
import { Pool } from 'undici';
import { parseRetryAfter } from '../../../src/core/write/errors.ts';
import { classifyAnswer, type CcAnswer } from './parse.ts';

export interface CryptoCompareClientOptions {
  baseUrl: string;
  /** Sent as `authorization: Apikey <key>`; keyless calls work with lower limits. */
  apiKey?: string;
  requestTimeoutMs: number;
  /** Answers larger than this are refused (the full coin list is about 10 MB). */
  maxResponseBytes?: number;
  /** Called once per request sent, before it is sent: the monthly call budget counts here. */
  onCall?: () => void;
  now?: () => number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export class CryptoCompareClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly now: () => number;

  constructor(private readonly o: CryptoCompareClientOptions) {
    const u = new URL(o.baseUrl);
    this.basePath = u.pathname.replace(/\/$/, '');
    this.now = o.now ?? Date.now;
    this.pool = new Pool(u.origin, {
      connections: 4,
      connect: { timeout: o.requestTimeoutMs },
      headersTimeout: o.requestTimeoutMs,
      bodyTimeout: o.requestTimeoutMs,
    });
  }

  /** GET `path` with query `params`; the answer is classified (see parse.ts). */
  async get(path: string, params: Record<string, string | number>): Promise<CcAnswer> {
    const qs = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.o.apiKey) headers.authorization = `Apikey ${this.o.apiKey}`;
    this.o.onCall?.();
    const signal = AbortSignal.timeout(this.o.requestTimeoutMs * 2);
    try {
      const res = await this.pool.request({
        path: `${this.basePath}${path}?${qs}`,
        method: 'GET',
        headers,
        signal,
      });
      const text = await readBounded(res.body, this.o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
      if (text === undefined)
        return { ok: false, type: 'parse', message: 'answer larger than maxResponseBytes', canRetry: false };
      const ra = res.headers['retry-after'];
      const retryAfterMs = parseRetryAfter(Array.isArray(ra) ? ra[0] : ra, this.now());
      return classifyAnswer(res.statusCode, text, this.now(), retryAfterMs);
    } catch (err) {
      const e = err as { code?: string; name?: string; message?: string };
      return {
        ok: false,
        type: 'network',
        message: `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(err)}`,
        canRetry: true,
      };
    }
  }

  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }
}

/** Reads a body up to `max` bytes; undefined (and the rest discarded) beyond that. */
export async function readBounded(
  body: AsyncIterable<Buffer> & { destroy?: () => void },
  max: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > max) {
      body.destroy?.();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
