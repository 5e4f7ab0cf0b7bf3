// The Bluesky Jetstream source against a local Jetstream fake (real message format, cursor replay)
// and the real influxd: posts land once each across a disconnect, a relay restart and a source
// restart (cursor persisted), replays are counted as duplicates, bad frames are counted and skipped.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JetstreamTiming } from '../collectors/social/bluesky/backoff.ts';
import { blueskyConfigSchema, type BlueskyConfig } from '../collectors/social/bluesky/config.ts';
import { BlueskyJetstreamSource, CURSOR_FILE } from '../collectors/social/bluesky/source.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry, type ServiceRegistry } from '../src/core/metrics/registry.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import {
  FakeJetstream,
  accountEvent,
  deleteEvent,
  identityEvent,
  postEvent,
  updateEvent,
  type JetstreamEvent,
} from './fakes/jetstream.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';
import { metric, waitFor } from './helpers/metrics.ts';

const TOPICS = `
topics:
  - name: bitcoin
    keywords: [bitcoin, btc]
    coin: BTC
  - name: ethereum
    keywords: [ethereum, eth]
coins: [BTC]
quotes: [USD]
`;
const DID = 'did:plc:eygmaihciaxprqvxpfvl6flk';

let buckets: { main: string; raw: string };
let writer: InfluxWriter;
let fake: FakeJetstream;
const running: BlueskyJetstreamSource[] = [];

beforeAll(async () => {
  buckets = await freshBuckets('jetstream');
  writer = testWriter(buckets);
});
afterAll(async () => {
  await writer.close();
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  await fake?.stop();
});

function makeSource(
  stateDir: string,
  timing: Partial<JetstreamTiming> = {},
  extra: Partial<BlueskyConfig> = {},
): { source: BlueskyJetstreamSource; metrics: ServiceRegistry; ctx: ReturnType<typeof buildSourceContext> } {
  const config = parseConfig(`influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}\n${TOPICS}`, {});
  const metrics = createServiceRegistry('test', { defaultMetrics: false });
  const ctx = buildSourceContext({ config, writer, metrics, stateDir });
  const cfg = blueskyConfigSchema.parse({
    enabled: true,
    endpoint: fake.url,
    cursorSaveIntervalMs: 200,
    ...extra,
  });
  const source = new BlueskyJetstreamSource(ctx, cfg, {
    timing: { initialDelayMs: 50, maxDelayMs: 400, stallTimeoutMs: 5000, ...timing },
  });
  running.push(source);
  return { source, metrics, ctx };
}

let rk = 0;
function posts(n: number, label: string): JetstreamEvent[] {
  return Array.from({ length: n }, (_, i) =>
    postEvent({
      did: DID,
      rkey: `3l${label}${(rk++).toString(36)}`,
      text: i % 2 ? `bitcoin ${label} ${i}` : `eth ${label} ${i}`,
    }),
  );
}
const last = (es: JetstreamEvent[]): number => es[es.length - 1]!.time_us;
const isCreate = (e: JetstreamEvent): boolean =>
  e.kind === 'commit' && (e.commit as { operation?: string }).operation === 'create';
/** Posts the relay sends again for a cursor: those at or after it that were not new. */
function replayedPosts(cursor: number, fresh: JetstreamEvent[]): number {
  return fake.log.filter((e) => isCreate(e) && e.time_us >= cursor && !fresh.includes(e)).length;
}

describe('Bluesky Jetstream source', () => {
  it('resumes from the cursor after a disconnect, a relay restart and a source restart: no gap, no duplicates', async () => {
    fake = new FakeJetstream();
    await fake.start();
    const stateDir = mkdtempSync(join(tmpdir(), 'cc-bsky-'));
    const a = makeSource(stateDir);
    await a.source.start();
    await waitFor('the first connection', () => fake.connected() === 1);
    expect(fake.requests[0]).toMatchObject({
      wantedCollections: ['app.bsky.feed.post'],
      maxMessageSizeBytes: 1_000_000,
    });
    expect(fake.requests[0]!.cursor).toBeUndefined();

    // Phase 1: live events of every kind.
    const batch1 = [
      ...posts(20, 'a'),
      identityEvent(DID, 'someone.bsky.social'),
      accountEvent(DID, true),
      updateEvent(DID, '3lupd', 'bitcoin edited'),
      deleteEvent(DID, '3lold'),
      ...Array.from({ length: 5 }, (_, i) =>
        postEvent({ did: DID, rkey: `3loff${i}`, text: `my cat sleeps ${i}` }),
      ),
      postEvent({ did: DID, rkey: '3lde', text: 'bitcoin ist stark', langs: ['de'] }),
    ];
    fake.emit(...batch1);
    await waitFor('batch 1 handled', () => a.source.cursorUs() === last(batch1));

    // Phase 2: the connection drops; events keep coming while we are away.
    fake.dropConnections();
    const batch2 = posts(15, 'b');
    fake.emit(...batch2);
    await waitFor('batch 2 after the reconnect', () => a.source.cursorUs() === last(batch2));
    expect(fake.requests[1]!.cursor).toBe(last(batch1) - 1_000_000);
    // Every post the margin replays (here all 26 of batch 1) is recognised and counted, not stored again.
    const replayed1 = replayedPosts(fake.requests[1]!.cursor!, batch2);
    expect(replayed1).toBe(26);
    expect(await metric(a.metrics, 'posts_dropped_total', { source: 'bluesky', reason: 'duplicate' })).toBe(
      replayed1,
    );
    expect(
      await metric(a.metrics, 'stream_reconnects_total', { source: 'bluesky', reason: 'network_error' }),
    ).toBe(1);

    // Phase 3: the source stops (cursor saved), the relay restarts, more events arrive, a new source
    // instance (a collector restart) resumes from the saved cursor.
    await a.source.stop();
    a.ctx.social.flushAll();
    const saved = JSON.parse(readFileSync(join(stateDir, CURSOR_FILE), 'utf8')) as { cursorUs: number };
    expect(saved.cursorUs).toBe(last(batch2));
    await fake.restart();
    const batch3 = posts(10, 'c');
    fake.emit(...batch3);
    const b = makeSource(stateDir);
    await b.source.start();
    await waitFor('batch 3 after the restart', () => b.source.cursorUs() === last(batch3));
    expect(fake.requests.at(-1)!.cursor).toBe(last(batch2) - 1_000_000);
    // At least all of batch 2 (and batch 1 too when it lies within the margin) comes again.
    const replayed2 = replayedPosts(fake.requests.at(-1)!.cursor!, batch3);
    expect(replayed2).toBeGreaterThanOrEqual(15);
    expect(await metric(b.metrics, 'posts_dropped_total', { source: 'bluesky', reason: 'duplicate' })).toBe(
      replayed2,
    );
    b.ctx.social.flushAll();
    await writer.flush();
    expect(await writer.drain(10_000)).toBe(true);

    const distinct = 20 + 15 + 10;
    const points = await queryRows<{ _value: number }>(`
      from(bucket: "${buckets.raw}") |> range(start: -1h)
        |> filter(fn: (r) => r._measurement == "post" and r.source == "bluesky" and r._field == "id")
        |> group() |> count()`);
    expect(points[0]?._value).toBe(distinct);
    const ids = await queryRows<{ _value: number }>(`
      from(bucket: "${buckets.raw}") |> range(start: -1h)
        |> filter(fn: (r) => r._measurement == "post" and r.source == "bluesky" and r._field == "id")
        |> group() |> distinct() |> count()`);
    expect(ids[0]?._value).toBe(distinct);
    const rollups = await queryRows<{ _value: number }>(`
      from(bucket: "${buckets.main}") |> range(start: -1h)
        |> filter(fn: (r) => r._measurement == "social" and r.source == "bluesky" and r._field == "count")
        |> group() |> sum()`);
    expect(rollups[0]?._value).toBe(distinct);

    const dropped = (reason: string): Promise<number> =>
      metric(a.metrics, 'posts_dropped_total', { source: 'bluesky', reason });
    expect(await dropped('no_topic')).toBe(5);
    expect(await dropped('not_english')).toBe(1);
    for (const reason of ['identity', 'account', 'commit_update', 'commit_delete'])
      expect(await metric(a.metrics, 'stream_events_skipped_total', { source: 'bluesky', reason })).toBe(1);
    expect(
      await metric(a.metrics, 'stream_events_skipped_total', { source: 'bluesky', reason: 'replay' }),
    ).toBe(4);
    expect(await metric(a.metrics, 'stream_state', { source: 'bluesky' })).toBe(0);
    expect(await metric(b.metrics, 'stream_state', { source: 'bluesky' })).toBe(2);
  });

  it('reconnects a silent stream after the stall timeout and a relay that went away, with backoff', async () => {
    fake = new FakeJetstream();
    await fake.start();
    const { source, metrics } = makeSource(mkdtempSync(join(tmpdir(), 'cc-bsky-')), { stallTimeoutMs: 300 });
    await source.start();
    await waitFor('a reconnect after a stall', () => fake.requests.length >= 2, 5000);
    const gap = fake.requests[1]!.atMs - fake.requests[0]!.atMs;
    // stall (300 ms) + first backoff step (25..50 ms with jitter)
    expect(gap).toBeGreaterThanOrEqual(300);
    expect(gap).toBeLessThan(300 + 300);
    expect(await metric(metrics, 'stream_reconnects_total', { reason: 'stall' })).toBeGreaterThanOrEqual(1);

    // The relay is down for 500 ms: attempts fail (connect_error) and back off, then it is back.
    const e1 = posts(3, 'd');
    fake.emit(...e1);
    await waitFor('the live posts', () => source.cursorUs() === last(e1));
    const before = fake.requests.length;
    await fake.restart(500);
    const e2 = posts(2, 'e');
    fake.emit(...e2);
    await waitFor('the posts after the relay restart', () => source.cursorUs() === last(e2), 5000);
    expect(fake.requests.length).toBeGreaterThan(before);
    expect(fake.requests.at(-1)!.cursor).toBe(last(e1) - 1_000_000);
    expect(
      await metric(metrics, 'stream_reconnects_total', { reason: 'connect_error' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await metric(metrics, 'posts_received_total', { source: 'bluesky' })).toBe(5);
    const attempts = await metric(metrics, 'stream_connection_attempts_total', { source: 'bluesky' });
    expect(attempts).toBe(
      fake.requests.length + (await metric(metrics, 'stream_reconnects_total', { reason: 'connect_error' })),
    );
  });

  it('counts and skips invalid JSON, binary frames, unknown kinds and messages over the size bound', async () => {
    fake = new FakeJetstream();
    await fake.start();
    const { source, metrics } = makeSource(
      mkdtempSync(join(tmpdir(), 'cc-bsky-')),
      {},
      { maxMessageBytes: 10_000 },
    );
    await source.start();
    await waitFor('the connection', () => fake.connected() === 1);
    fake.sendRaw('{"did":"did:plc:x","time_us":17');
    fake.sendRaw(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), true);
    fake.emit({ did: DID, time_us: Date.now() * 1000, kind: 'labels' });
    // A frame claiming to come from the far future must not move the resume cursor there.
    fake.sendRaw(`{"did":"${DID}","time_us":${(Date.now() + 365 * 86_400_000) * 1000},"kind":"bogus"}`);
    // Over maxMessageSizeBytes: the relay does not send it to us at all.
    fake.emit(postEvent({ did: DID, rkey: '3lbig', text: `bitcoin ${'x'.repeat(12_000)}` }));
    const ok = posts(1, 'f');
    fake.emit(...ok);
    await waitFor('the good post', () => source.cursorUs() === last(ok));
    expect(await metric(metrics, 'posts_dropped_total', { reason: 'malformed' })).toBe(1);
    expect(await metric(metrics, 'stream_events_skipped_total', { reason: 'non_text_frame' })).toBe(1);
    // The future frame is an unknown kind too: counted as skipped, and its time kept out of the cursor.
    expect(await metric(metrics, 'stream_events_skipped_total', { reason: 'unknown_kind' })).toBe(2);
    expect(await metric(metrics, 'stream_events_skipped_total', { reason: 'future_cursor' })).toBe(1);
    expect(source.cursorUs()).toBeLessThan((Date.now() + 60_000) * 1000);
    expect(await metric(metrics, 'posts_received_total', { source: 'bluesky' })).toBe(1);

    // A frame past the socket's hard bound (2 x maxMessageBytes) closes the connection: counted, resumed.
    fake.sendRaw(`{"x":"${'y'.repeat(25_000)}"}`);
    await waitFor('the reconnect', () => fake.requests.length === 2, 5000);
    expect(await metric(metrics, 'stream_reconnects_total', { reason: 'message_too_large' })).toBe(1);
    expect(await metric(metrics, 'posts_dropped_total', { reason: 'too_large' })).toBe(1);
    const after = posts(1, 'g');
    fake.emit(...after);
    await waitFor('the post after the reconnect', () => source.cursorUs() === last(after));
    expect(await metric(metrics, 'posts_received_total', { source: 'bluesky' })).toBe(2);
    expect(await metric(metrics, 'posts_dropped_total', { reason: 'duplicate' })).toBe(1);
  });
});
