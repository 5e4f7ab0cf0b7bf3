// The X filtered stream source against a local fake of X's API (real wire format) and the real
// influxd: rules sync, posts in InfluxDB, stall detection, 429 backoff, the attempts cap, error
// payloads. Reconnect timing runs scaled down (the unit tests pin the real numbers).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { xConfigSchema, type XConfig } from '../collectors/social/x/config.ts';
import {
  DEFAULT_X_RECONNECT_TIMING,
  scaleTiming,
  type XReconnectTiming,
} from '../collectors/social/x/reconnect.ts';
import { XStreamSource } from '../collectors/social/x/source.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry, type ServiceRegistry } from '../src/core/metrics/registry.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { FakeXServer, type FakeTweet } from './fakes/x-stream.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';
import { metric, waitFor } from './helpers/metrics.ts';

const TOKEN = 'fake-x-bearer-token-0123456789';
const TOPICS = `
topics:
  - name: bitcoin
    keywords: [bitcoin, btc]
    coin: BTC
  - name: ethereum
    keywords: [ethereum, eth]
  - name: football
    keywords: [premier league]
coins: [BTC]
quotes: [USD]
`;

let buckets: { main: string; raw: string };
let writer: InfluxWriter;
let fake: FakeXServer;
const running: XStreamSource[] = [];

beforeAll(async () => {
  buckets = await freshBuckets('xstream');
  writer = testWriter(buckets);
});
afterAll(async () => {
  await writer.close();
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  await fake?.close();
});

async function startFake(keepAliveMs = 100): Promise<string> {
  fake = new FakeXServer({ token: TOKEN, keepAliveMs });
  return fake.start();
}

function makeSource(
  baseUrl: string,
  timing: Partial<XReconnectTiming>,
  extra: Partial<XConfig> = {},
): { source: XStreamSource; metrics: ServiceRegistry; ctx: ReturnType<typeof buildSourceContext> } {
  const config = parseConfig(`influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}\n${TOPICS}`, {});
  const metrics = createServiceRegistry('test', { defaultMetrics: false });
  const ctx = buildSourceContext({ config, writer, metrics, stateDir: mkdtempSync(join(tmpdir(), 'cc-x-')) });
  const cfg = xConfigSchema.parse({ enabled: true, baseUrl, ...extra });
  const source = new XStreamSource(ctx, cfg, { timing, env: { X_BEARER_TOKEN: TOKEN } });
  running.push(source);
  return { source, metrics, ctx };
}

function tweet(id: string, text: string, extra: Partial<FakeTweet> = {}): FakeTweet {
  return { id, text, createdAt: new Date().toISOString(), lang: 'en', authorId: '2244994945', ...extra };
}

const FAST = scaleTiming(DEFAULT_X_RECONNECT_TIMING, 0.001);

describe('X filtered stream source', () => {
  it('syncs rules on start: adds ours, deletes our stale ones, leaves foreign rules alone', async () => {
    const url = await startFake();
    const foreign = fake.seedRule('from:XDevelopers', 'someone-else');
    const untagged = fake.seedRule('dogecoin');
    const stale = fake.seedRule('(dogecoin) lang:en -is:retweet', 'cryptocrawler:doge');
    const { source } = makeSource(url, { ...FAST, stallTimeoutMs: 2000 });
    const wanted = source.wantedRules();
    expect(wanted).toEqual([
      {
        value: '(bitcoin OR btc OR ethereum OR eth OR "premier league") lang:en -is:retweet',
        tag: 'cryptocrawler:bitcoin,ethereum,football',
      },
    ]);
    await source.start();
    await waitFor('the stream connection', () => fake.connections.length >= 1);
    const rules = [...fake.rules.values()];
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining([foreign, untagged]));
    expect(rules.find((r) => r.id === stale)).toBeUndefined();
    expect(rules.filter((r) => r.tag?.startsWith('cryptocrawler:')).map((r) => r.value)).toEqual([
      wanted[0]!.value,
    ]);
    expect(fake.connections[0]!.query).toBe(
      '?tweet.fields=created_at%2Clang%2Cauthor_id%2Creferenced_tweets%2Cnote_tweet',
    );
    // A second start with everything in place changes nothing.
    await source.stop();
    const posts = fake.ruleRequests.filter((r) => r.method === 'POST').length;
    const { source: again } = makeSource(url, { ...FAST, stallTimeoutMs: 2000 });
    await again.start();
    await waitFor('the second stream connection', () => fake.connections.length >= 2);
    expect(fake.ruleRequests.filter((r) => r.method === 'POST').length).toBe(posts);
    expect(fake.rules.size).toBe(3);
  });

  it('writes the posts to InfluxDB: long posts in full, retweets, other languages and bad lines counted', async () => {
    const url = await startFake();
    const { source, metrics, ctx } = makeSource(url, { ...FAST, stallTimeoutMs: 2000 });
    await source.start();
    const base = 1790300000000000000n;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = (base + BigInt(i)).toString();
      ids.push(id);
      fake.push(tweet(id, i % 2 ? `bitcoin looks strong today #${i}` : `ethereum upgrade went fine #${i}`));
    }
    const longId = (base + 100n).toString();
    const full = `Bitcoin thread: ${'the halving cuts issuance in half. '.repeat(20)}end.`;
    fake.push(tweet(longId, `${full.slice(0, 270)}…`, { noteText: full }));
    fake.push(tweet((base + 101n).toString(), 'RT @a: bitcoin', { retweetOf: '1' }));
    fake.push(tweet((base + 102n).toString(), 'bitcoin sube hoy', { lang: 'es' }));
    fake.push(
      '{"data":{"id":"17903","text":"bitc',
      '[]',
      '{"errors":[{"title":"Brand new","type":"https://api.twitter.com/2/problems/brand-new"}]}',
    );
    await waitFor(
      '31 accepted posts',
      async () => (await metric(metrics, 'posts_received_total', { source: 'x' })) >= 31,
    );
    await waitFor('all lines handled', () => fake.pending() === 0);
    ctx.social.flushAll();
    await writer.flush();
    expect(await writer.drain(10_000)).toBe(true);

    const count = await queryRows<{ _value: number }>(`
      from(bucket: "${buckets.raw}") |> range(start: -1h)
        |> filter(fn: (r) => r._measurement == "post" and r.source == "x" and r._field == "id")
        |> group() |> count()`);
    expect(count[0]?._value).toBe(31);
    const text = await queryRows<{ _value: string; topic: string; lang: string }>(`
      from(bucket: "${buckets.raw}") |> range(start: -1h)
        |> filter(fn: (r) => r._measurement == "post" and r.source == "x" and r._field == "text")
        |> filter(fn: (r) => r._value =~ /^Bitcoin thread/)`);
    expect(text).toHaveLength(1);
    expect(text[0]).toMatchObject({ _value: full, topic: 'bitcoin', lang: 'en' });
    const rollup = await queryRows<{ _value: number; topic: string }>(`
      from(bucket: "${buckets.main}") |> range(start: -1h)
        |> filter(fn: (r) => r._measurement == "social" and r.source == "x" and r._field == "count")
        |> group(columns: ["topic"]) |> sum()`);
    const byTopic = Object.fromEntries(rollup.map((r) => [r.topic, r._value]));
    expect(byTopic).toEqual({ bitcoin: 16, ethereum: 15 });

    expect(await metric(metrics, 'posts_dropped_total', { source: 'x', reason: 'retweet' })).toBe(1);
    expect(await metric(metrics, 'posts_dropped_total', { source: 'x', reason: 'not_english' })).toBe(1);
    expect(await metric(metrics, 'posts_dropped_total', { source: 'x', reason: 'malformed' })).toBe(2);
    expect(await metric(metrics, 'stream_error_payloads_total', { source: 'x', type: 'other' })).toBe(1);
    expect(await metric(metrics, 'stream_state', { source: 'x' })).toBe(2);
    expect(await metric(metrics, 'stream_last_event_timestamp_seconds', { source: 'x' })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });

  it('keeps a quiet stream with keep-alives open and reconnects a stalled one after the stall timeout', async () => {
    const url = await startFake(50);
    const stallMs = 300;
    fake.fault({ type: 'stall', afterPosts: 2 });
    const { source, metrics } = makeSource(url, { ...FAST, stallTimeoutMs: stallMs });
    await source.start();
    fake.push(tweet('1790400000000000001', 'bitcoin one'), tweet('1790400000000000002', 'bitcoin two'));
    await waitFor('a reconnect after the stall', () => fake.connections.length >= 2, 5000);
    const stalledAfter = fake.connections[1]!.atMs - fake.connections[0]!.atMs;
    // Stall timeout, then the first network backoff step (scaled), plus loopback latency.
    expect(stalledAfter).toBeGreaterThanOrEqual(stallMs);
    expect(stalledAfter).toBeLessThan(stallMs + 400);
    expect(await metric(metrics, 'stream_reconnects_total', { source: 'x', reason: 'stall' })).toBe(1);
    // The new connection only gets keep-alives every 50 ms: it must stay up for many stall periods.
    await new Promise((r) => setTimeout(r, stallMs * 4));
    expect(fake.connections).toHaveLength(2);
    expect(fake.openStreams()).toBe(1);
    expect(
      await metric(metrics, 'stream_events_skipped_total', { source: 'x', reason: 'keepalive' }),
    ).toBeGreaterThan(10);
  });

  it('backs off exponentially on a 429 storm and on 503s, honouring x-rate-limit-reset', async () => {
    const url = await startFake();
    const t = scaleTiming(DEFAULT_X_RECONNECT_TIMING, 0.002); // 429: 120, 240, 480 ms; HTTP: 10, 20 ms
    fake.fault(
      { type: 'status', status: 429 },
      { type: 'status', status: 429 },
      { type: 'status', status: 429 },
      { type: 'status', status: 503 },
      { type: 'status', status: 503 },
    );
    const { source, metrics } = makeSource(url, { ...t, stallTimeoutMs: 2000 });
    await source.start();
    await waitFor('six connections', () => fake.connections.length >= 6, 10_000);
    const at = fake.connections.map((c) => c.atMs);
    const gaps = at.slice(1).map((v, i) => v - at[i]!);
    expect(fake.connections.map((c) => c.status)).toEqual([429, 429, 429, 503, 503, 200]);
    // 429 then 429 then 429: 120, 240, 480 ms; the 503s use the HTTP schedule (10, 20 ms).
    const want = [120, 240, 480, 10, 20];
    want.forEach((w, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(w);
      expect(gaps[i]).toBeLessThan(w + 150);
    });
    expect(await metric(metrics, 'stream_reconnects_total', { source: 'x', reason: 'http_429' })).toBe(3);
    expect(await metric(metrics, 'stream_reconnects_total', { source: 'x', reason: 'http_5xx' })).toBe(2);
    await source.stop();

    // x-rate-limit-reset (epoch seconds) later than the backoff wins.
    const resetAt = Math.ceil(Date.now() / 1000) + 2;
    fake.fault({ type: 'status', status: 429, headers: { 'x-rate-limit-reset': String(resetAt) } });
    const before = fake.connections.length;
    const { source: s2 } = makeSource(url, { ...t, stallTimeoutMs: 2000 });
    await s2.start();
    await waitFor('the connection after the reset', () => fake.connections.length >= before + 2, 5000);
    expect(fake.connections[before + 1]!.atMs).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(fake.connections[before + 1]!.atMs).toBeLessThan(resetAt * 1000 + 300);
  });

  it('never makes more than 50 connection attempts in a (scaled) 15-minute window', async () => {
    const url = await startFake();
    const windowMs = 1500;
    const t = {
      ...scaleTiming(DEFAULT_X_RECONNECT_TIMING, 0.0001),
      attemptWindowMs: windowMs,
      stallTimeoutMs: 2000,
    };
    for (let i = 0; i < 80; i++) fake.fault({ type: 'disconnect', afterPosts: 0 });
    const started = Date.now();
    const { source, metrics } = makeSource(url, t);
    await source.start();
    await waitFor('the 51st attempt', () => fake.connections.length >= 51, 10_000);
    const at = fake.connections.map((c) => c.atMs);
    expect(at[50]! - at[0]!).toBeGreaterThanOrEqual(windowMs - 20);
    expect(at[49]! - started).toBeLessThan(windowMs);
    await waitFor('attempts over two windows', () => Date.now() - started > windowMs * 2 + 200, 10_000);
    const all = fake.connections.map((c) => c.atMs);
    for (const a of all)
      expect(all.filter((b) => b > a - (windowMs - 20) && b <= a).length).toBeLessThanOrEqual(50);
    expect(await metric(metrics, 'stream_connection_attempts_total', { source: 'x' })).toBe(all.length);
    expect(
      await metric(metrics, 'stream_reconnects_total', { source: 'x', reason: 'network_error' }),
    ).toBeGreaterThan(0);
  });

  it('counts operational-disconnect payloads and reconnects with the network schedule', async () => {
    const url = await startFake();
    fake.fault({ type: 'operational', afterPosts: 1 });
    const { source, metrics } = makeSource(url, { ...FAST, stallTimeoutMs: 2000 });
    await source.start();
    fake.push(tweet('1790500000000000001', 'bitcoin a'), tweet('1790500000000000002', 'bitcoin b'));
    await waitFor(
      'both posts',
      async () => (await metric(metrics, 'posts_received_total', { source: 'x' })) === 2,
    );
    expect(fake.connections).toHaveLength(2);
    expect(await metric(metrics, 'stream_error_payloads_total', { type: 'operational-disconnect' })).toBe(1);
    expect(await metric(metrics, 'stream_reconnects_total', { reason: 'operational_disconnect' })).toBe(1);
  });

  it('fails to start without a bearer token, saying which variable to set', async () => {
    const config = parseConfig(`influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}\n${TOPICS}`, {});
    const ctx = buildSourceContext({ config, writer, stateDir: mkdtempSync(join(tmpdir(), 'cc-x-')) });
    const s = new XStreamSource(ctx, xConfigSchema.parse({ enabled: true }), { env: {} });
    await expect(s.start()).rejects.toThrow(/sources\.x is enabled but X_BEARER_TOKEN .* is not set/);
    expect(s.state()).toBe('stopped');
  });
});
