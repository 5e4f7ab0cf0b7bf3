// One feed download: conditional GET (If-None-Match / If-Modified-Since), timeouts, a size bound.
// Never throws: network trouble is a `network` result.
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { readBounded } from '../../prices/cryptocompare/client.ts';
import { MAX_FEED_BYTES } from './parse.ts';

export type FetchResult =
  | { kind: 'ok'; text: string; contentType: string; etag?: string; lastModified?: string }
  | { kind: 'not_modified' }
  | { kind: 'http'; status: number }
  | { kind: 'too_large' }
  | { kind: 'network'; message: string };

/** A keep-alive dispatcher that follows up to 3 redirects (feeds move from http to https, or hosts). */
export function feedDispatcher(timeoutMs: number): Dispatcher {
  return new Agent({ connect: { timeout: timeoutMs } }).compose(
    interceptors.redirect({ maxRedirections: 3 }),
  );
}

export async function fetchFeed(
  url: string,
  v: { etag?: string; lastModified?: string },
  o: { timeoutMs: number; dispatcher?: Dispatcher; userAgent: string },
): Promise<FetchResult> {
  const headers: Record<string, string> = {
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1',
    'user-agent': o.userAgent,
  };
  if (v.etag) headers['if-none-match'] = v.etag;
  if (v.lastModified) headers['if-modified-since'] = v.lastModified;
  try {
    const res = await request(url, {
      method: 'GET',
      headers,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      signal: AbortSignal.timeout(o.timeoutMs * 2),
      ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    });
    if (res.statusCode === 304) {
      await res.body.dump();
      return { kind: 'not_modified' };
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      return { kind: 'http', status: res.statusCode };
    }
    const text = await readBounded(res.body, MAX_FEED_BYTES);
    if (text === undefined) return { kind: 'too_large' };
    const h = (n: string) => {
      const x = res.headers[n];
      return typeof x === 'string' ? x : Array.isArray(x) ? x[0] : undefined;
    };
    const etag = h('etag');
    const lastModified = h('last-modified');
    return {
      kind: 'ok',
      text,
      contentType: h('content-type') ?? '',
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    return { kind: 'network', message: `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(err)}` };
  }
}
