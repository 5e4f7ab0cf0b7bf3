// Fault injection against the real influxd: it is stopped while the collector runs the simulate source
// at 250 posts/s. Afterwards every accepted post and every rollup count is in InfluxDB, exactly.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/collector/service.ts';
import { createServiceRegistry } from '../../src/core/metrics/registry.ts';
import { DiskSpool } from '../../src/core/write/spool.ts';
import { InfluxWriter } from '../../src/core/write/writer.ts';
import {
  FAULT_SCALE,
  metricValue,
  ownInfluxPerTest,
  receivedByTopic,
  sleep,
  storedCounts,
  sumMap,
} from '../helpers/collector-env.ts';

const POSTS_PER_SECOND = 250;
// Each test gets its own influxd: two collector instances with separate state must never share a
// rollup minute in one bucket (in production one collector runs each source).
const own = ownInfluxPerTest(POSTS_PER_SECOND);

async function start(dataDir: string): Promise<Collector> {
  return startCollector({
    config: own.env.config,
    token: own.env.setup.tokens.collector,
    sources: ['simulate'],
    port: null,
    dataDir,
  });
}

async function waitDrained(c: Collector, ms: number): Promise<void> {
  expect(await c.writer.drain(ms)).toBe(true);
}

function expectEqualMaps(a: Map<string, number>, b: Map<string, number>): void {
  expect(Object.fromEntries([...a].sort())).toEqual(Object.fromEntries([...b].sort()));
}

describe('InfluxDB outages', () => {
  it(
    `influxd stopped for ${60 * FAULT_SCALE} s at ${POSTS_PER_SECOND} posts/s: every post and rollup arrives`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'outage-a-'));
      const c = await start(dir);
      await sleep(5_000);
      await own.env.server.pause();
      await sleep(60_000 * FAULT_SCALE);
      const spooled = metricValue(await c.ctx.metrics.registry.metrics(), 'spool_appended_lines_total');
      await own.env.server.resume();
      await sleep(5_000);
      await c.stop();
      const text = await c.ctx.metrics.registry.metrics();
      const accepted = receivedByTopic(text);
      // Nothing waits anywhere: the spool was replayed and the memory buffers are empty.
      const replayer = await start(dir);
      await waitDrained(replayer, 60_000);
      await replayer.stop();

      const stored = await storedCounts(own.env, Date.now() + 60_000);
      expect(spooled).toBeGreaterThan(POSTS_PER_SECOND * 30 * FAULT_SCALE);
      expect(sumMap(accepted)).toBeGreaterThan(POSTS_PER_SECOND * 60 * FAULT_SCALE);
      expect(metricValue(text, 'points_dropped_total')).toBe(0);
      // The replayer started a few seconds of its own posts; count only the first run's by subtracting them.
      const replayerAccepted = receivedByTopic(await replayer.ctx.metrics.registry.metrics());
      const total = new Map(accepted);
      for (const [t, n] of replayerAccepted) total.set(t, (total.get(t) ?? 0) + n);
      expectEqualMaps(stored.posts, total);
      expectEqualMaps(stored.rollups, total);
      process.stderr.write(
        `[outage ${60 * FAULT_SCALE} s] accepted ${sumMap(total)} post points, spooled ${spooled} lines during the outage, ` +
          `stored ${sumMap(stored.posts)} posts and rollup counts summing to ${sumMap(stored.rollups)}; dropped 0\n`,
      );
    },
    180_000 * Math.max(1, FAULT_SCALE),
  );

  it(
    `a ${10 * FAULT_SCALE}-minute outage with a collector restart in the middle loses nothing; replaying the spool twice changes no count`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'outage-b-'));
      await own.env.server.pause();
      const half = 300_000 * FAULT_SCALE;
      const a = await start(dir);
      await sleep(half);
      await a.stop(); // SIGTERM path: sources stop, rollups flushed, memory drained to the spool
      const acceptedA = receivedByTopic(await a.ctx.metrics.registry.metrics());

      const b = await start(dir); // starts with a non-empty spool and the saved rollup state
      await sleep(half);
      // Keep a copy of the spool as it stands before any replay, to replay it a second time later.
      const copy = mkdtempSync(join(tmpdir(), 'outage-b-copy-'));
      await b.writer.flush();
      cpSync(join(dir, 'spool'), copy, { recursive: true });
      await own.env.server.resume();
      await waitDrained(b, 120_000);
      await b.stop();
      const last = await start(dir); // whatever b's stop spooled
      await waitDrained(last, 60_000);
      await last.stop();
      const acceptedB = receivedByTopic(await b.ctx.metrics.registry.metrics());
      const acceptedLast = receivedByTopic(await last.ctx.metrics.registry.metrics());
      const total = new Map<string, number>();
      for (const m of [acceptedA, acceptedB, acceptedLast])
        for (const [t, n] of m) total.set(t, (total.get(t) ?? 0) + n);
      expect(sumMap(acceptedA)).toBeGreaterThan(POSTS_PER_SECOND * 200 * FAULT_SCALE);

      const stored = await storedCounts(own.env, Date.now() + 60_000);
      expectEqualMaps(stored.posts, total);
      expectEqualMaps(stored.rollups, total);

      // Replay the copied spool once more through a plain writer: the same points land again.
      const metrics = createServiceRegistry('replay', { defaultMetrics: false });
      const spool = new DiskSpool({
        dir: copy,
        maxBytes: own.env.config.influx.spool.maxBytes,
        syncIntervalMs: 1000,
        metrics,
      });
      expect(spool.pendingLines()).toBeGreaterThan(0);
      const w = new InfluxWriter({
        url: own.env.server.url,
        token: own.env.setup.tokens.collector,
        org: own.env.config.influx.org,
        buckets: {
          raw: own.env.config.influx.buckets.raw.name,
          main: own.env.config.influx.buckets.main.name,
        },
        ...own.env.config.influx.write,
        metrics,
        spool,
      });
      expect(await w.drain(120_000)).toBe(true);
      await w.close();
      process.stderr.write(
        `[outage ${600 * FAULT_SCALE} s + restart] accepted ${sumMap(total)} post points over two collector runs, ` +
          `stored ${sumMap(stored.posts)} posts and rollup counts summing to ${sumMap(stored.rollups)}\n`,
      );
      // Once in two runs on a loaded machine, a count read right after the replay's last acknowledged
      // write came back short and the same read a moment later was whole: poll for up to 15 s, so
      // that only a lasting difference (a real change of the stored data) fails.
      const same = (a: Map<string, number>, b: Map<string, number>): boolean =>
        a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
      let again = await storedCounts(own.env, Date.now() + 60_000);
      for (
        let i = 0;
        i < 30 && !(same(again.posts, stored.posts) && same(again.rollups, stored.rollups));
        i++
      ) {
        await sleep(500);
        again = await storedCounts(own.env, Date.now() + 60_000);
      }
      expectEqualMaps(again.posts, stored.posts);
      expectEqualMaps(again.rollups, stored.rollups);
    },
    900_000 * Math.max(0.2, FAULT_SCALE),
  );
});
