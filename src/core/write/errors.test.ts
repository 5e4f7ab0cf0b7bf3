import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../backoff.ts';
import { MAX_RETRY_AFTER_MS, classifyWriteError, parseRetryAfter } from './errors.ts';

function http(status: number, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, 'x', 'body', headers['retry-after'], 'text/plain', undefined, headers);
}

describe('classifyWriteError', () => {
  it.each([
    [400, 'rejected', false],
    [422, 'rejected', false],
    [413, 'too_large', true],
    [401, 'auth', true],
    [429, 'server', true],
    [503, 'server', true],
    [500, 'server', true],
  ])('HTTP %i is %s (retry: %s)', (status, cls, retry) => {
    const c = classifyWriteError(http(status));
    expect(c.class).toBe(cls);
    expect(c.canRetry).toBe(retry);
  });

  it('network errors are retried', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyWriteError(e)).toMatchObject({ class: 'network', canRetry: true });
  });

  it('reads Retry-After as seconds, not milliseconds as the client library does', () => {
    const err = http(429, { 'retry-after': '3' });
    expect(err.retryAfter()).toBe(3); // the library's value, which it would wait as 3 ms
    expect(classifyWriteError(err).retryAfterMs).toBe(3000);
  });
});

describe('parseRetryAfter', () => {
  it('handles delta-seconds, HTTP dates, garbage and huge values', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('999999')).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('backoffMs', () => {
  it('doubles per attempt within [ceiling/2, ceiling] and caps', () => {
    expect(backoffMs(1, 1000, 30_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 30_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 30_000, () => 1)).toBe(4000);
    expect(backoffMs(20, 1000, 30_000, () => 1)).toBe(30_000);
  });
});
