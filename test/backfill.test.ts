// History backfill and gap filling against the fake CryptoCompare, verified with Flux in the real
// InfluxDB: exact counts and values, idempotency, gap detection.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InfluxDB } from '@influxdata/influxdb-client';
import yaml from 'js-yaml';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { fillGaps, findPriceGaps } from '../collectors/prices/backfill/gaps.ts';
import { barsIn, planBackfill } from '../collectors/prices/backfill/plan.ts';
import { runBackfill, type BackfillProgress } from '../collectors/prices/backfill/run.ts';
import { CryptoCompareClient } from '../collectors/prices/cryptocompare/client.ts';
import { cryptoCompareConfigSchema } from '../collectors/prices/cryptocompare/config.ts';
import { CryptoCompareSource } from '../collectors/prices/cryptocompare/source.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { FakeCryptoCompare, RATE_LIMIT_BODY, errorBody, fakeBar } from './fakes/cryptocompare.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';

let fake: FakeCryptoCompare;
let client: CryptoCompareClient;

beforeAll(async () => {
  fake = new FakeCryptoCompare();
  await fake.start();
  client = new CryptoCompareClient({ baseUrl: fake.url(), requestTimeoutMs: 5000 });
});
afterAll(async () => {
  await client.close();
  await fake.stop();
});

async function countPrices(bucket: string, filter = 'true'): Promise<number> {
  const rows = await queryRows<{ _value: number }>(
    `from(bucket: "${bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "price" and r._field == "price" and (${filter})) |> group() |> count()`,
  );
  return rows[0]?._value ?? 0;
}

async function withWriter<T>(
  fn: (w: InfluxWriter, b: { main: string; raw: string }) => Promise<T>,
): Promise<T> {
  const b = await freshBuckets('backfill');
  const w = testWriter(b);
  try {
    return await fn(w, b);
  } finally {
    await w.close();
  }
}

const DAY = 86_400_000;

describe('price backfill', () => {
  it('pages minute, hour and day bars into exact points with OHLC, and a second run changes nothing', async () => {
    await withWriter(async (writer, b) => {
      const nowMs = Date.now();
      const o = { fromMs: nowMs - 4 * DAY, toMs: nowMs, nowMs, minuteHistoryDays: 2, hourHistoryDays: 3 };
      const segs = planBackfill(o);
      const perPair = segs.reduce((n, s) => n + barsIn(s), 0);
      const pairs = [
        { symbol: 'BTC', quote: 'USD' },
        { symbol: 'ETH', quote: 'EUR' },
      ];
      const progress: BackfillProgress[] = [];
      const before = fake.requests.length;
      const r1 = await runBackfill({ ...o, client, writer, pairs, onProgress: (p) => progress.push(p) });
      await writer.flush();
      expect(r1.failures).toEqual([]);
      expect(r1.points).toBe(2 * perPair);
      expect(await countPrices(b.main)).toBe(2 * perPair);
      // 2 days of minutes = 2881 bars = 2 pages; 1 day of hours and 1 day of days: 1 page each.
      expect(segs.map((s) => s.resolution)).toEqual(['day', 'hour', 'minute']);
      expect(r1.pages).toBe(2 * 4);
      expect(fake.requests.length - before).toBe(8);
      expect(progress.at(-1)).toMatchObject({ pagesDone: 8, pagesTotal: 8, points: 2 * perPair });
      const limits = fake.requests
        .slice(before)
        .filter((q) => q.path === '/data/v2/histominute')
        .map((q) => Number(q.query.limit));
      const minuteBars = barsIn(segs.find((s) => s.resolution === 'minute')!);
      expect(limits).toEqual([2000, minuteBars - 2001 - 1, 2000, minuteBars - 2001 - 1]);

      // One bar, field by field.
      const m = segs.find((s) => s.resolution === 'minute')!;
      const t = m.fromS + 600;
      const rows = await queryRows<{ _field: string; _value: number }>(
        `from(bucket: "${b.main}") |> range(start: ${t}, stop: ${t + 1}) |> filter(fn: (r) => r._measurement == "price" and r.symbol == "BTC" and r.quote == "USD" and r.source == "cryptocompare")`,
      );
      const bar = fakeBar('BTC', 'USD', t, 60);
      expect(Object.fromEntries(rows.map((r) => [r._field, r._value]))).toEqual({
        price: bar.open,
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volumefrom: bar.volumefrom,
        volumeto: bar.volumeto,
      });

      const r2 = await runBackfill({ ...o, client, writer, pairs });
      await writer.flush();
      expect(r2.points).toBe(r1.points);
      expect(await countPrices(b.main)).toBe(2 * perPair);
    });
  });

  it('stops paging where a coin was not yet listed, without counting its empty bars as bad', async () => {
    await withWriter(async (writer, b) => {
      const nowMs = Date.now();
      const listed = Math.floor((nowMs - DAY) / 60_000) * 60;
      fake.listedSince.DOGE = listed;
      const o = { fromMs: nowMs - 3 * DAY, toMs: nowMs, nowMs, minuteHistoryDays: 7, hourHistoryDays: 90 };
      const seg = planBackfill(o)[0]!;
      const r = await runBackfill({ ...o, client, writer, pairs: [{ symbol: 'DOGE', quote: 'USD' }] });
      await writer.flush();
      expect(r.pages).toBe(2);
      expect(r.rejected).toBe(0);
      expect(r.points).toBe((seg.toS - listed) / 60 + 1);
      expect(await countPrices(b.main)).toBe(r.points);
    });
  });

  it('waits out a rate limit and retries the page; an error body fails that pair only', async () => {
    await withWriter(async (writer, b) => {
      const nowMs = Date.now();
      const metrics = createServiceRegistry('t', { defaultMetrics: false });
      fake.push(
        'histominute',
        { body: RATE_LIMIT_BODY },
        { passThrough: true },
        { body: errorBody('There is no data for the symbol ZZZ .') },
      );
      const waits: number[] = [];
      const o = { fromMs: nowMs - 3600_000, toMs: nowMs, nowMs, minuteHistoryDays: 7, hourHistoryDays: 90 };
      const r = await runBackfill({
        ...o,
        client,
        writer,
        metrics,
        pairs: [
          { symbol: 'BTC', quote: 'USD' },
          { symbol: 'ETH', quote: 'USD' },
        ],
        sleep: async (ms) => void waits.push(ms),
      });
      await writer.flush();
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThan(0);
      expect(waits[0]).toBeLessThanOrEqual(60_000);
      expect(r.failures).toEqual(['ETH/USD minute: error: There is no data for the symbol ZZZ .']);
      const bars = barsIn(planBackfill(o)[0]!);
      expect(await countPrices(b.main, 'r.symbol == "BTC"')).toBe(bars);
      expect(await countPrices(b.main, 'r.symbol == "ETH"')).toBe(0);
      const errs = await metrics.registry.getSingleMetric('cryptocrawler_cryptocompare_errors_total')!.get();
      expect(errs.values.map((v) => [v.labels.type, v.value]).sort()).toEqual([
        ['error', 1],
        ['rate_limit', 1],
      ]);
    });
  });

  it('findPriceGaps finds the hole in a live series with Flux, and fillGaps fills it', async () => {
    await withWriter(async (writer, b) => {
      const env = influxEnv();
      const queryApi = new InfluxDB({ url: env.url, token: env.adminToken }).getQueryApi(env.org);
      const t0 = Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000;
      const lines: string[] = [];
      for (let k = 0; k <= 180; k++) {
        if (k > 60 && k < 120) continue;
        lines.push(
          `price,quote=USD,source=cryptocompare,symbol=BTC price=${40000 + k} ${(t0 + k * 10_000) * 1e6}`,
        );
      }
      writer.write('main', lines);
      await writer.flush();
      const now = t0 + 1805_000;
      const gaps = await findPriceGaps(queryApi, b.main, 'BTC', 'USD', t0, 60, { now });
      expect(gaps).toEqual([{ startMs: t0 + 600_000, endMs: t0 + 1200_000 }]);
      // Before the first point and after the last count too.
      expect(
        await findPriceGaps(queryApi, b.main, 'BTC', 'USD', t0 - 600_000, 60, { now: now + 600_000 }),
      ).toEqual([
        { startMs: t0 - 600_000, endMs: t0 },
        { startMs: t0 + 600_000, endMs: t0 + 1200_000 },
        { startMs: t0 + 1800_000, endMs: now + 600_000 },
      ]);
      expect(await findPriceGaps(queryApi, b.main, 'ETH', 'USD', t0, 60, { now })).toEqual([
        { startMs: t0, endMs: now },
      ]);

      const r = await fillGaps({ symbol: 'BTC', quote: 'USD' }, gaps, {
        client,
        writer,
        nowMs: Date.now(),
        minuteHistoryDays: 7,
        hourHistoryDays: 90,
      });
      await writer.flush();
      expect(r.points).toBe(11);
      expect(await countPrices(b.main)).toBe(lines.length + 11 - 2);
      expect(await findPriceGaps(queryApi, b.main, 'BTC', 'USD', t0, 60, { now })).toEqual([]);
    });
  });

  it('the source fills gaps on start with INFLUX_READ_TOKEN, and says so when the token is missing', async () => {
    await withWriter(async (writer, b) => {
      const env = influxEnv();
      const cfgText = readFileSync('config.yaml', 'utf8');
      const config = parseConfig(cfgText, SOURCE_SCHEMAS);
      Object.assign(config.influx, { url: env.url, org: env.org });
      config.influx.buckets.main.name = b.main;
      const now = Math.floor(Date.now() / 1000) * 1000;
      const run = async (srcEnv: NodeJS.ProcessEnv) => {
        const logs: string[] = [];
        const ctx = buildSourceContext({
          config,
          writer,
          log: pino({ level: 'info' }, { write: (s: string) => logs.push(s) }),
          stateDir: mkdtempSync(join(tmpdir(), 'cc-gap-')),
          now: () => now,
        });
        const cfg = cryptoCompareConfigSchema.parse({
          enabled: true,
          baseUrl: fake.url(),
          schedule: '0 0 1 1 *',
          coins: ['BTC'],
          quotes: ['USD'],
          backfillMaxDays: 1,
        });
        const source = new CryptoCompareSource(ctx, cfg, { env: srcEnv });
        await source.start();
        await source.gapFillDone();
        await source.stop();
        await writer.flush();
        return logs.join('');
      };
      const histBefore = fake.count('histominute');
      const logs = await run({});
      expect(logs).toContain('gap filling skipped: set INFLUX_READ_TOKEN');
      expect(fake.count('histominute')).toBe(histBefore);

      await run({ INFLUX_READ_TOKEN: env.adminToken });
      const expected = barsIn(
        planBackfill({
          fromMs: now - DAY,
          toMs: now,
          nowMs: now,
          minuteHistoryDays: 7,
          hourHistoryDays: 90,
        })[0]!,
      );
      expect(await countPrices(b.main)).toBe(expected);
      // Nothing missing any more: a restart finds no gap but the minutes since the last bar.
      const before = fake.count('histominute');
      await run({ INFLUX_READ_TOKEN: env.adminToken });
      expect(fake.count('histominute') - before).toBeLessThanOrEqual(1);
      expect(await countPrices(b.main)).toBe(expected);
    });
  });

  it('the backfill command writes the span with plain progress lines and is idempotent', async () => {
    const b = await freshBuckets('backfill_cli');
    const env = influxEnv();
    const dir = mkdtempSync(join(tmpdir(), 'cc-cli-'));
    const cfg = yaml.load(readFileSync('config.yaml', 'utf8')) as {
      influx: {
        url: string;
        org: string;
        buckets: Record<'main' | 'raw', { name: string }>;
        spool: { dir: string };
      };
      sources: { cryptocompare: { baseUrl: string } };
    };
    cfg.influx.url = env.url;
    cfg.influx.org = env.org;
    cfg.influx.buckets.main.name = b.main;
    cfg.influx.buckets.raw.name = b.raw;
    cfg.influx.spool.dir = join(dir, 'spool');
    cfg.sources.cryptocompare.baseUrl = fake.url();
    const file = join(dir, 'config.yaml');
    writeFileSync(file, yaml.dump(cfg));
    const exec = promisify(execFile);
    const args = [
      'bin/cryptocrawler.js',
      '-c',
      file,
      'backfill',
      '--from',
      '3h',
      '--to',
      'now',
      '--coins',
      'BTC',
      '--quotes',
      'USD',
    ];
    const envVars = { ...process.env, INFLUX_TOKEN: env.adminToken, LOG_LEVEL: 'warn' };
    const first = await exec('node', args, { env: envVars, timeout: 60_000 });
    const out1 = JSON.parse(first.stdout.trim());
    expect(out1).toMatchObject({ pages: 1, rejected: 0, dropped: 0, failures: [] });
    expect([180, 181]).toContain(out1.points);
    expect(first.stderr).toMatch(/backfill: 1\/1 pages \(100%\), \d+ points/);
    expect(await countPrices(b.main)).toBe(out1.points);
    const second = await exec('node', args, { env: envVars, timeout: 60_000 });
    expect(JSON.parse(second.stdout.trim()).points).toBeGreaterThanOrEqual(180);
    // The same bars land on the same points; at most the minute that began in between is new.
    expect((await countPrices(b.main)) - out1.points).toBeLessThanOrEqual(1);
    const budget = JSON.parse(readFileSync(join(dir, 'state', 'cryptocompare-budget.json'), 'utf8'));
    expect(budget.calls).toBe(2);
  });
});
