// Two replicas of one shard as real collector processes replaying the same recorded file: one is
// killed with SIGKILL mid-run, the other finishes. The combined counts (max over instances) equal the
// counts of one collector that ran undisturbed: the killed replica loses nothing that matters.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/influx/local-server.ts';
import { freshBuckets, influxEnv, queryRows } from './helpers/influx.ts';
import { waitFor } from './helpers/metrics.ts';
import {
  SHARD_TOPICS_YAML,
  byTopicMinute,
  combinedCountsFlux,
  replayAll,
  total,
  writeReplayFile,
} from './helpers/shard-env.ts';

const POSTS = 3_000;
const MINUTES = 6;
// 6 recorded minutes at 30x: about 12 s of replay, long enough to kill one replica halfway.
const SPEED = 30;
const START = Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000;
const FROM = START - 3600_000;
const TO = START + 3 * 3600_000;

let dir: string;
let file: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'replica-'));
  file = join(dir, 'posts.ndjson');
  writeReplayFile(file, POSTS, START, MINUTES, 11);
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Replica {
  child: ChildProcess;
  progress: () => Promise<number>;
  output: () => string;
}

async function startReplica(
  buckets: { main: string; raw: string },
  instance: string,
  port: number,
): Promise<Replica> {
  const env = influxEnv();
  const work = mkdtempSync(join(dir, `${instance}-`));
  const cfg = {
    influx: {
      url: env.url,
      org: env.org,
      buckets: { main: { name: buckets.main }, raw: { name: buckets.raw } },
      write: { flushIntervalMs: 200 },
      spool: { dir: join(work, 'spool') },
    },
    ...(yaml.load(SHARD_TOPICS_YAML) as object),
    services: { collector: { host: '127.0.0.1', port }, analytics: { host: '127.0.0.1', port: 0 } },
    log: { level: 'warn' },
    sources: { replay: { enabled: true, file, speed: SPEED, timestamps: 'original', progress: false } },
  };
  const configFile = join(work, 'config.yaml');
  writeFileSync(configFile, yaml.dump(cfg));
  let out = '';
  const child = spawn(
    process.execPath,
    ['bin/cryptocrawler.js', '-c', configFile, 'collect', '--sources', 'replay', '--instance', instance],
    { env: { ...process.env, INFLUX_COLLECTOR_TOKEN: env.adminToken }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const progress = async (): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // Records read, as a share of the file (the progress gauge moves per 1 MiB chunk: too coarse here).
    return Number(/^cryptocrawler_replay_records_total(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? 0) / POSTS;
  };
  await waitFor(
    `replica ${instance} serving /metrics`,
    () =>
      progress().then(
        () => true,
        () => false,
      ),
    30_000,
  );
  return { child, progress, output: () => out };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null
      ? r(child.exitCode)
      : child.once('exit', (c) => r(c)),
  );
}

describe('replicas of one shard (real processes, real influxd)', () => {
  it('a replica killed with SIGKILL mid-run loses nothing: combined counts equal one undisturbed collector', async () => {
    const t0 = Date.now();
    const phase = (what: string): boolean =>
      process.stderr.write(`[replica kill] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}\n`);
    const buckets = await freshBuckets('replica_kill');
    // Two distinct ports (two concurrent freePort() calls may return the same one).
    const ports = [await freePort()];
    while (ports.length < 2) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const started = Promise.all([
      startReplica(buckets, 'replica-a', ports[0]!),
      startReplica(buckets, 'replica-b', ports[1]!),
    ]);
    const [a, b] = await started;
    phase('replicas serving');
    // Kill b once it is well into the file (and has written rollups), long before the end.
    await waitFor('replica-b 30% through the file', async () => (await b.progress()) >= 0.3, 40_000);
    const killedAt = await b.progress();
    b.child.kill('SIGKILL');
    await exited(b.child);
    phase(`replica-b killed at ${(killedAt * 100).toFixed(0)}%`);
    // The reference: one collector, undisturbed, in this process (while replica-a goes on).
    const reference = await freshBuckets('replica_ref');
    await replayAll(file, dir, reference, [{ shard: '0/1', instance: 'default' }]);
    const expected = byTopicMinute(await queryRows(combinedCountsFlux(reference.main, FROM, TO)));
    expect(total(expected)).toBeGreaterThan(POSTS);
    phase('reference written');
    await waitFor('replica-a through the file', async () => (await a.progress()) >= 1, 40_000);
    a.child.kill('SIGTERM');
    expect(await exited(a.child), a.output()).toBe(0);
    phase('replica-a finished and stopped');

    const perInstance = await queryRows<{ instance: string; _value: number }>(`
      from(bucket: ${JSON.stringify(buckets.main)}) |> range(start: ${new Date(FROM).toISOString()}, stop: ${new Date(TO).toISOString()})
        |> filter(fn: (r) => r._measurement == "social" and r._field == "count")
        |> group(columns: ["instance"]) |> sum()`);
    const written = new Map(perInstance.map((r) => [r.instance, Number(r._value)]));
    process.stderr.write(
      `[replica kill] b killed at ${(killedAt * 100).toFixed(0)}% of the file; counts written by a: ${written.get('replica-a')}, by b: ${written.get('replica-b')}, expected ${total(expected)}\n`,
    );
    // b wrote part of the counts before it died; a wrote them all.
    expect(written.get('replica-b') ?? 0).toBeGreaterThan(0);
    expect(written.get('replica-b')!).toBeLessThan(total(expected));
    expect(written.get('replica-a')).toBe(total(expected));
    expect(byTopicMinute(await queryRows(combinedCountsFlux(buckets.main, FROM, TO)))).toEqual(expected);
  }, 58_000);
});
