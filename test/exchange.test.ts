// The Coinbase ticker stream against a local fake WebSocket feed, verified with Flux in the real
// InfluxDB: throttled points, bad messages counted, heartbeat loss, drops and lifetime hand-over.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { coinbaseConfigSchema, type CoinbaseConfig } from '../collectors/prices/exchange/config.ts';
import { CoinbaseSource } from '../collectors/prices/exchange/source.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { FakeCoinbase } from './fakes/exchange.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';
import { metric, waitFor } from './helpers/metrics.ts';

let fake: FakeCoinbase;
let url: string;
let buckets: { main: string; raw: string };
let writer: InfluxWriter;

beforeAll(async () => {
  fake = new FakeCoinbase();
  url = await fake.start(200);
  buckets = await freshBuckets('exchange');
  writer = testWriter(buckets);
});
afterAll(async () => {
  await writer.close();
  await fake.stop();
});

function makeSource(over: Partial<CoinbaseConfig> = {}) {
  const metrics = createServiceRegistry('test', { defaultMetrics: false });
  const ctx = buildSourceContext({
    config: parseConfig(readFileSync('config.yaml', 'utf8'), SOURCE_SCHEMAS),
    writer,
    metrics,
    stateDir: mkdtempSync(join(tmpdir(), 'cb-state-')),
  });
  const cfg = coinbaseConfigSchema.parse({
    enabled: true,
    url,
    products: ['BTC/USD', 'ETH/USD'],
    initialBackoffMs: 50,
    maxBackoffMs: 200,
    ...over,
  });
  return { source: new CoinbaseSource(ctx, cfg), metrics };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('coinbase source', () => {
  it('subscribes to ticker and heartbeat, writes one point per product per second (last wins), counts bad messages', async () => {
    const { source, metrics } = makeSource();
    await source.start();
    await waitFor('the condition', () => source.state() === 'running', 5000);
    expect(fake.subscribeMessages.at(-1)).toEqual({
      type: 'subscribe',
      product_ids: ['BTC-USD', 'ETH-USD'],
      channels: ['ticker', 'heartbeat'],
    });
    const base = Date.parse('2025-01-06T10:00:00Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    fake.sendTicker('BTC-USD', '98000.00', iso(base + 100));
    fake.sendTicker('BTC-USD', '98001.00', iso(base + 500));
    fake.sendTicker('BTC-USD', '98002.50', iso(base + 900));
    fake.sendTicker('ETH-USD', '3600.10', iso(base + 200));
    fake.sendTicker('BTC-USD', '98010.00', iso(base + 1200));
    fake.sendTicker('BTC-USD', '1e400', iso(base + 1300));
    fake.sendTicker('BTC-USD', '-5', iso(base + 1300));
    fake.sendTicker('BTC-USD', '98000', 'not a time');
    fake.sendRaw('{"type":"ticker","product_id":"BTC-USD","price":"98');
    fake.sendRaw('<html>502</html>');
    await waitFor(
      'the condition',
      async () => (await metric(metrics, 'price_points_total', { source: 'coinbase' })) === 3,
      5000,
    );
    await source.stop();
    await writer.flush();
    const rows = await queryRows<{
      _time: string;
      _field: string;
      _value: number;
      symbol: string;
      quote: string;
    }>(
      `from(bucket: "${buckets.main}") |> range(start: 2025-01-06T09:00:00Z, stop: 2025-01-06T11:00:00Z) |> filter(fn: (r) => r._measurement == "price" and r.source == "coinbase") |> group() |> sort(columns: ["_time", "symbol", "_field"])`,
    );
    const got = rows.map((r) => `${r._time} ${r.symbol}/${r.quote} ${r._field}=${r._value}`);
    expect(got).toEqual([
      '2025-01-06T10:00:00Z BTC/USD best_ask=98002.51',
      '2025-01-06T10:00:00Z BTC/USD best_bid=98002.49',
      '2025-01-06T10:00:00Z BTC/USD price=98002.5',
      '2025-01-06T10:00:00Z BTC/USD volume_24h=12345.67',
      '2025-01-06T10:00:00Z ETH/USD best_ask=3600.11',
      '2025-01-06T10:00:00Z ETH/USD best_bid=3600.09',
      '2025-01-06T10:00:00Z ETH/USD price=3600.1',
      '2025-01-06T10:00:00Z ETH/USD volume_24h=12345.67',
      '2025-01-06T10:00:01Z BTC/USD best_ask=98010.01',
      '2025-01-06T10:00:01Z BTC/USD best_bid=98009.99',
      '2025-01-06T10:00:01Z BTC/USD price=98010',
      '2025-01-06T10:00:01Z BTC/USD volume_24h=12345.67',
    ]);
    expect(await metric(metrics, 'price_rejected_total', { source: 'coinbase', reason: 'non_finite' })).toBe(
      1,
    );
    expect(
      await metric(metrics, 'price_rejected_total', { source: 'coinbase', reason: 'non_positive' }),
    ).toBe(1);
    expect(await metric(metrics, 'price_rejected_total', { source: 'coinbase', reason: 'bad_time' })).toBe(1);
    expect(await metric(metrics, 'price_rejected_total', { source: 'coinbase', reason: 'malformed' })).toBe(
      2,
    );
    expect(await metric(metrics, 'stream_messages_total', { kind: 'heartbeat' })).toBeGreaterThan(0);
  });

  it('reconnects when heartbeats stop, and after the server drops the connection', async () => {
    const { source, metrics } = makeSource({ heartbeatTimeoutSeconds: 2 });
    await source.start();
    await waitFor('the condition', () => source.state() === 'running', 5000);
    const conns = fake.clients.length;
    fake.silent = true;
    const t0 = Date.now();
    await waitFor(
      'the condition',
      async () => (await metric(metrics, 'stream_reconnects_total', { reason: 'heartbeat_timeout' })) >= 1,
      6000,
    );
    const detectedMs = Date.now() - t0;
    fake.silent = false;
    await waitFor('the condition', () => source.state() === 'running' && fake.clients.length > conns, 5000);
    expect(detectedMs).toBeGreaterThanOrEqual(1900);
    expect(detectedMs).toBeLessThan(3500);

    fake.dropAll();
    await waitFor(
      'the condition',
      async () => (await metric(metrics, 'stream_reconnects_total', { reason: 'closed' })) >= 1,
      3000,
    );
    await waitFor('the condition', () => source.state() === 'running', 5000);
    expect(fake.subscribed()).toHaveLength(1);
    await source.stop();
    await sleep(100);
    expect(fake.open()).toHaveLength(0);
  });

  it('replaces the connection before its lifetime ends, opening the new one before closing the old', async () => {
    const before = fake.clients.length;
    fake.maxConcurrent = 0;
    const { source, metrics } = makeSource({ maxConnectionLifetimeSeconds: 1 });
    await source.start();
    await waitFor(
      'the condition',
      async () => (await metric(metrics, 'stream_reconnects_total', { reason: 'lifetime' })) >= 2,
      8000,
    );
    await sleep(100);
    expect(fake.maxConcurrent).toBe(2);
    expect(fake.clients.length - before).toBeGreaterThanOrEqual(3);
    expect(fake.open()).toHaveLength(1);
    expect(source.state()).toBe('running');
    expect(await metric(metrics, 'stream_reconnects_total', { reason: 'closed' })).toBe(0);
    expect(await metric(metrics, 'stream_reconnects_total', { reason: 'heartbeat_timeout' })).toBe(0);
    await source.stop();
  });
});
