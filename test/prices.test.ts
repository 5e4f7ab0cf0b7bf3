// CryptoCompare polling against the local fake, verified in the real InfluxDB with Flux.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import {
  cryptoCompareConfigSchema,
  type CryptoCompareConfig,
} from '../collectors/prices/cryptocompare/config.ts';
import { CryptoCompareSource } from '../collectors/prices/cryptocompare/source.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig, type Config } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { FakeCryptoCompare, RATE_LIMIT_BODY, errorBody } from './fakes/cryptocompare.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';
import { metric, waitFor } from './helpers/metrics.ts';

let fake: FakeCryptoCompare;
let buckets: { main: string; raw: string };
let writer: InfluxWriter;

beforeAll(async () => {
  fake = new FakeCryptoCompare();
  await fake.start();
  buckets = await freshBuckets('prices');
  writer = testWriter(buckets);
});
afterAll(async () => {
  await writer.close();
  await fake.stop();
});

function config(): Config {
  const cfg = parseConfig(readFileSync('config.yaml', 'utf8'), SOURCE_SCHEMAS);
  const env = influxEnv();
  cfg.influx.url = env.url;
  cfg.influx.org = env.org;
  cfg.influx.buckets.main.name = buckets.main;
  cfg.influx.buckets.raw.name = buckets.raw;
  return cfg;
}

function makeSource(
  over: Partial<CryptoCompareConfig>,
  opts: { env?: NodeJS.ProcessEnv; stateDir?: string } = {},
) {
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => logs.push(s) });
  const metrics = createServiceRegistry('test', { defaultMetrics: false });
  const ctx = buildSourceContext({
    config: config(),
    writer,
    metrics,
    log,
    stateDir: opts.stateDir ?? mkdtempSync(join(tmpdir(), 'cc-state-')),
  });
  const cfg = cryptoCompareConfigSchema.parse({
    enabled: true,
    baseUrl: fake.url(),
    backfillOnStart: false,
    ...over,
  });
  const source = new CryptoCompareSource(ctx, cfg, { env: opts.env ?? {} });
  return { source, metrics, logs };
}

async function pricePoints(
  filter = 'true',
): Promise<Array<{ symbol: string; quote: string; _value: number; _time: string }>> {
  await writer.flush();
  return queryRows(
    `from(bucket: "${buckets.main}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "price" and r._field == "price" and (${filter})) |> group() |> sort(columns: ["_time", "symbol", "quote"])`,
  );
}

describe('cryptocompare source', () => {
  it('polls pricemulti on the cron schedule, one call per poll, and writes one point per pair per poll', async () => {
    const before = fake.count('pricemulti');
    const { source, metrics } = makeSource(
      { schedule: '* * * * * *', coins: ['BTC', 'ETH', 'IOTA'], quotes: ['USD', 'EUR'] },
      { env: { CRYPTOCOMPARE_API_KEY: 'test-api-key-0123' } },
    );
    await source.start();
    await waitFor('the condition', () => fake.count('pricemulti') - before >= 3, 10_000);
    await source.stop();
    const polls = fake.count('pricemulti') - before;
    const req = fake.requests.filter((r) => r.path === '/data/pricemulti').at(-1)!;
    expect(req.query).toEqual({ fsyms: 'BTC,ETH,IOTA', tsyms: 'USD,EUR' });
    expect(req.headers.authorization).toBe('Apikey test-api-key-0123');
    expect(fake.count('coinlist')).toBeGreaterThanOrEqual(1);

    const rows = await pricePoints('r.source == "cryptocompare"');
    expect(rows).toHaveLength(polls * 6);
    expect(await metric(metrics, 'price_points_total', { source: 'cryptocompare' })).toBe(polls * 6);
    const last = rows.slice(-6).map((r) => `${r.symbol}/${r.quote}=${r._value}`);
    expect(last).toEqual([
      'BTC/EUR=39500.25',
      'BTC/USD=43012.5',
      'ETH/EUR=2110.75',
      'ETH/USD=2301.2',
      'IOTA/EUR=0.2301',
      'IOTA/USD=0.2512',
    ]);
    // Poll time rounded to the second.
    for (const r of rows) expect(Date.parse(r._time) % 1000).toBe(0);
  });

  it('counts error bodies, HTML pages, truncated JSON and odd numbers; writes only the valid price; backs off', async () => {
    const { source, metrics } = makeSource({
      schedule: '0 0 1 1 *',
      coins: ['BTC', 'ETH', 'IOTA'],
      quotes: ['USD', 'EUR'],
    });
    await source.start();
    fake.push(
      'pricemulti',
      {
        body: '{"BTC":{"USD":1e400,"EUR":"97000"},"ETH":{"USD":0,"EUR":-1},"IOTA":{"USD":0.2599,"EUR":1e13}}',
      },
      { body: '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>', contentType: 'text/html' },
      { body: '{"BTC":{"USD":970' },
      { body: errorBody('toSymbol/s is a required param.') },
      { body: RATE_LIMIT_BODY },
    );
    for (let i = 0; i < 5; i++) await source.poll();
    source.tick();
    await source.stop();
    expect(await metric(metrics, 'cryptocompare_errors_total', { type: 'parse' })).toBe(2);
    expect(await metric(metrics, 'cryptocompare_errors_total', { type: 'error' })).toBe(1);
    expect(await metric(metrics, 'cryptocompare_errors_total', { type: 'rate_limit' })).toBe(1);
    for (const [reason, n] of Object.entries({ non_finite: 1, not_number: 1, non_positive: 2, absurd: 1 }))
      expect(await metric(metrics, 'price_rejected_total', { source: 'cryptocompare', reason })).toBe(n);
    expect(await metric(metrics, 'polls_skipped_total', { source: 'cryptocompare', reason: 'backoff' })).toBe(
      1,
    );
    const rows = await pricePoints('r._value == 0.2599 or r._value > 1000000000000.0 or r._value <= 0.0');
    expect(rows.map((r) => `${r.symbol}/${r.quote}=${r._value}`)).toEqual(['IOTA/USD=0.2599']);
  });

  it('refuses to start with a coin CryptoCompare does not know, naming it', async () => {
    const { source } = makeSource({ coins: ['BTC', 'NOPECOIN'] });
    await expect(source.start()).rejects.toThrow(/"NOPECOIN"/);
    await source.stop();
  });

  it('starts with a warning when the coin list is unavailable, and validates before the next poll', async () => {
    fake.push('coinlist', { status: 503, body: '<html>down</html>', contentType: 'text/html' });
    const { source, logs, metrics } = makeSource({ schedule: '0 0 1 1 *', coins: ['BTC', 'NOPECOIN'] });
    await source.start();
    expect(source.state()).toBe('running');
    expect(logs.join('')).toContain('cannot fetch the CryptoCompare coin list');
    expect(await metric(metrics, 'cryptocompare_errors_total', { type: 'http' })).toBe(1);
    const polls = fake.count('pricemulti');
    await source.poll();
    expect(source.state()).toBe('failed');
    expect(logs.join('')).toContain('NOPECOIN');
    expect(fake.count('pricemulti')).toBe(polls);
    await source.stop();
  });

  it('stops polling when the monthly budget is used up, warns at 80 %, and keeps the count across restarts', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'cc-budget-'));
    const a = makeSource({ schedule: '0 0 1 1 *', monthlyCallLimit: 4 }, { stateDir });
    await a.source.start(); // call 1: the coin list
    for (let i = 0; i < 3; i++) await a.source.poll(); // calls 2..4
    expect(a.logs.filter((l) => l.includes('80 %'))).toHaveLength(1);
    const polls = fake.count('pricemulti');
    a.source.tick();
    expect(await metric(a.metrics, 'polls_skipped_total', { reason: 'budget' })).toBe(1);
    expect(await metric(a.metrics, 'cryptocompare_calls_used')).toBe(4);
    expect(a.logs.join('')).toContain('budget used up');
    await a.source.stop();

    const b = makeSource({ schedule: '0 0 1 1 *', monthlyCallLimit: 4 }, { stateDir });
    await b.source.start();
    b.source.tick();
    expect(await metric(b.metrics, 'cryptocompare_calls_used')).toBe(4);
    expect(await metric(b.metrics, 'polls_skipped_total', { reason: 'budget' })).toBe(1);
    expect(fake.count('pricemulti')).toBe(polls);
    await b.source.stop();
  });

  it('never overlaps polls: a tick while the last poll still runs is skipped and counted', async () => {
    fake.priceDelayMs = 2200;
    try {
      const before = fake.count('pricemulti');
      const { source, metrics } = makeSource({ schedule: '* * * * * *' });
      await source.start();
      await waitFor('the condition', () => fake.count('pricemulti') - before >= 1, 5000);
      await new Promise((r) => setTimeout(r, 3000));
      await source.stop();
      const calls = fake.count('pricemulti') - before;
      expect(calls).toBeLessThanOrEqual(2);
      expect(await metric(metrics, 'polls_skipped_total', { reason: 'overlap' })).toBeGreaterThanOrEqual(2);
    } finally {
      fake.priceDelayMs = 0;
    }
  });
});
