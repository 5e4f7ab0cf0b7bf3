// The write path against the real influxd: round trip, error classes, Retry-After in seconds, 413.
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { toLine } from '../src/core/write/line.ts';
import { InfluxWriter } from '../src/core/write/writer.ts';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function priceLines(n: number, symbol = 'BTC'): string[] {
  return Array.from({ length: n }, (_, i) =>
    toLine({
      measurement: 'price',
      tags: { symbol, quote: 'USD', source: 'test' },
      fields: { price: 60_000 + i },
      timeNs: (BigInt(T0 + i * 1000) * 1_000_000n).toString(),
    }),
  );
}

async function count(bucket: string, symbol = 'BTC'): Promise<number> {
  const rows = await queryRows<{ _value: number }>(
    `from(bucket: "${bucket}") |> range(start: 2025-12-31T00:00:00Z, stop: 2026-01-02T00:00:00Z)
     |> filter(fn: (r) => r._measurement == "price" and r.symbol == "${symbol}") |> count()`,
  );
  return rows.reduce((a, r) => a + r._value, 0);
}

async function metric(
  w: { m?: unknown },
  reg: ReturnType<typeof createServiceRegistry>,
  name: string,
): Promise<string> {
  void w;
  const text = await reg.registry.metrics();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`cryptocrawler_${name}`))
    .join('\n');
}

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

function proxiedWriter(
  buckets: { main: string; raw: string },
  reg = createServiceRegistry('t', { defaultMetrics: false }),
) {
  const env = influxEnv();
  const w = new InfluxWriter({
    url: proxy!.url,
    token: env.adminToken,
    org: env.org,
    buckets,
    batchSize: 5000,
    flushIntervalMs: 100,
    gzipThresholdBytes: 1000,
    maxRetryTimeMs: 60_000,
    maxBufferLines: 100_000,
    metrics: reg,
  });
  return { w, reg };
}

describe('write path against the real InfluxDB', () => {
  it('writes 12,000 points in batches of 5,000 and reads them back with Flux', async () => {
    const b = await freshBuckets('wp');
    const reg = createServiceRegistry('t', { defaultMetrics: false });
    const w = testWriter(b, { metrics: reg });
    w.write('main', priceLines(12_000));
    await w.close();
    expect(await count(b.main)).toBe(12_000);
    const rows = await queryRows<{ _value: number }>(
      `from(bucket: "${b.main}") |> range(start: 2025-12-31T00:00:00Z, stop: 2026-01-02T00:00:00Z) |> filter(fn: (r) => r._field == "price") |> last()`,
    );
    expect(rows[0]!._value).toBe(60_000 + 11_999);
    expect(await reg.registry.metrics()).toMatch(
      /cryptocrawler_points_written_total\{bucket="main",service="t"\} 12000/,
    );
  });

  it('drops and counts lines the real server rejects with 400, and does not retry them', async () => {
    const b = await freshBuckets('wp');
    proxy = await startFaultProxy(influxEnv().url);
    const { w, reg } = proxiedWriter(b);
    w.write('main', ['price,symbol=BTC price="oops" 1', 'this is not line protocol']);
    await w.flush();
    await w.drain(2000);
    const m = await metric({}, reg, 'points_dropped_total');
    expect(m).toMatch(/reason="rejected".* 2/);
    expect(proxy.seen.filter((s) => s.path.startsWith('/api/v2/write'))).toHaveLength(1);
    expect(proxy.seen[0]!.status).toBe(400);
    await w.close();
  });

  it('honours Retry-After in seconds on 429 (the client library would wait milliseconds)', async () => {
    const b = await freshBuckets('wp');
    proxy = await startFaultProxy(influxEnv().url);
    proxy.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    const { w, reg } = proxiedWriter(b);
    w.write('main', priceLines(10));
    await w.flush();
    expect(await w.drain(10_000)).toBe(true);
    const writes = proxy.seen.filter((s) => s.path.startsWith('/api/v2/write'));
    expect(writes.map((s) => s.status)).toEqual([429, 204]);
    const waited = writes[1]!.at - writes[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(1950);
    expect(await count(b.main)).toBe(10);
    expect(await metric({}, reg, 'write_errors_total')).toMatch(/class="server".* 1/);
    await w.close();
  });

  it('retries 503 and network resets with backoff until the server takes the lines', async () => {
    const b = await freshBuckets('wp');
    proxy = await startFaultProxy(influxEnv().url);
    proxy.failNext({ kind: 'status', status: 503 }, { kind: 'reset' });
    const { w, reg } = proxiedWriter(b);
    w.write('main', priceLines(50));
    await w.flush();
    expect(await w.drain(15_000)).toBe(true);
    expect(await count(b.main)).toBe(50);
    const m = await metric({}, reg, 'write_errors_total');
    expect(m).toMatch(/class="server".* 1/);
    expect(m).toMatch(/class="network".* 1/);
    await w.close();
  });

  it('halves a batch on 413 until each half fits, losing nothing', async () => {
    const b = await freshBuckets('wp');
    proxy = await startFaultProxy(influxEnv().url);
    proxy.setSticky({ kind: 'tooLargeAbove', lines: 1000 });
    const { w } = proxiedWriter(b);
    w.write('main', priceLines(3000));
    await w.flush();
    expect(await w.drain(15_000)).toBe(true);
    const writes = proxy.seen.filter((s) => s.path.startsWith('/api/v2/write'));
    expect(writes[0]).toMatchObject({ lines: 3000, status: 413 });
    expect(writes.filter((s) => s.status === 204).every((s) => s.lines <= 1000)).toBe(true);
    expect(writes.filter((s) => s.status === 204).reduce((a, s) => a + s.lines, 0)).toBe(3000);
    expect(await count(b.main)).toBe(3000);
    await w.close();
  });
});
