// Sorts a failed write into what to do about it. The client library's HttpError exposes the status
// and headers; its own retryAfter() treats the header as milliseconds, while the HTTP spec (and
// InfluxDB) means seconds, so the header is read here directly.
import { HttpError } from '@influxdata/influxdb-client';

export type WriteErrorClass =
  /** 400/422: the server refuses these lines; retrying cannot help. Dropped and counted. */
  | 'rejected'
  /** 413: the batch is too large; halve it and try again. */
  | 'too_large'
  /** 401/403/404: credentials or bucket wrong; kept and retried so an operator can fix it without loss. */
  | 'auth'
  /** 429/5xx: the server is busy or failing. */
  | 'server'
  /** No HTTP answer: refused, reset, timed out. */
  | 'network';

/** Every class, so a writer can export each counter at 0 before the first error (Prometheus' convention). */
const CLASSES: Record<WriteErrorClass, true> = {
  rejected: true,
  too_large: true,
  auth: true,
  server: true,
  network: true,
};
export const WRITE_ERROR_CLASSES = Object.keys(CLASSES) as WriteErrorClass[];

export interface ClassifiedWriteError {
  class: WriteErrorClass;
  canRetry: boolean;
  /** Delay the server asked for (Retry-After), in ms; undefined when it did not say. */
  retryAfterMs?: number;
  status?: number;
  message: string;
}

/** The longest Retry-After we obey; anything longer is capped so a bad header cannot park us for days. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

export function classifyWriteError(err: unknown, now: number = Date.now()): ClassifiedWriteError {
  if (err instanceof HttpError) {
    const status = err.statusCode;
    const message = `HTTP ${status}: ${(err.body ?? err.message).slice(0, 300)}`;
    const retryAfterMs = parseRetryAfter(headerValue(err.headers, 'retry-after'), now);
    if (status === 400 || status === 422) return { class: 'rejected', canRetry: false, status, message };
    if (status === 413) return { class: 'too_large', canRetry: true, status, message };
    if (status === 401 || status === 403 || status === 404)
      return { class: 'auth', canRetry: true, status, message, ...opt(retryAfterMs) };
    return { class: 'server', canRetry: true, status, message, ...opt(retryAfterMs) };
  }
  const e = err as { code?: string; message?: string };
  return {
    class: 'network',
    canRetry: true,
    message: `${e.code ?? 'network error'}: ${e.message ?? String(err)}`,
  };
}

function opt(retryAfterMs: number | undefined): { retryAfterMs?: number } {
  return retryAfterMs === undefined ? {} : { retryAfterMs };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const v = (headers as Record<string, unknown>)[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}
