// Sharded and replicated collectors against the real influxd: the same recorded file replayed by one
// collector, by 4 shards, and by 2 replicas of one shard gives identical combined counts per topic and
// minute (shards add up, replicas are not counted twice), and identical `post` points.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InfluxDB } from '@influxdata/influxdb-client';
import { jobOptionsFromConfig } from '../analytics/jobs/options.ts';
import { readAlignedSeries } from '../analytics/jobs/read.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { readReport } from '../src/report/queries.ts';
import { freshBuckets, influxEnv, queryRows } from './helpers/influx.ts';
import {
  SHARD_TOPICS_YAML,
  replayAll,
  byTopicMinute,
  combinedCountsFlux,
  naiveCountsFlux,
  total,
  writeReplayFile,
} from './helpers/shard-env.ts';

const POSTS = 12_000;
const MINUTES = 10;
// Recorded two hours ago, so every interval is closed and the pipeline accepts every post.
const START = Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000;
const FROM = START - 3600_000;
const TO = START + 3 * 3600_000;

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shard-'));
  file = join(dir, 'posts.ndjson');
  writeReplayFile(file, POSTS, START, MINUTES);
});

async function combined(main: string): Promise<Map<string, number>> {
  return byTopicMinute(await queryRows(combinedCountsFlux(main, FROM, TO)));
}

async function postPoints(raw: string): Promise<number> {
  const rows = await queryRows<{ _value: number }>(`
    from(bucket: ${JSON.stringify(raw)}) |> range(start: ${new Date(FROM).toISOString()}, stop: ${new Date(TO).toISOString()})
      |> filter(fn: (r) => r._measurement == "post" and r._field == "score") |> group() |> count()`);
  return Number(rows[0]?._value ?? 0);
}

describe('collector shards and replicas (real influxd)', () => {
  let single: Map<string, number>;
  let singlePosts: number;
  const buckets: Record<string, { main: string; raw: string }> = {};

  it('one collector: the reference counts per topic and minute', async () => {
    buckets.single = await freshBuckets('shard_single');
    const r = await replayAll(file, dir, buckets.single, [{ shard: '0/1', instance: 'default' }]);
    expect(r).toEqual({ accepted: POSTS, skipped: 0 });
    single = await combined(buckets.single.main);
    singlePosts = await postPoints(buckets.single.raw);
    // Every minute of the file, and posts routed to more than one topic counted once per topic.
    expect(single.size).toBeGreaterThanOrEqual(MINUTES * 4);
    expect(total(single)).toBe(singlePosts);
    expect(total(single)).toBeGreaterThan(POSTS);
  }, 50_000);

  it('4 shards give exactly the counts of one collector', async () => {
    buckets.shards = await freshBuckets('shard_four');
    const r = await replayAll(
      file,
      dir,
      buckets.shards,
      [0, 1, 2, 3].map((k) => ({ shard: `${k}/4`, instance: 'default' })),
    );
    // Each post is kept by exactly one shard and skipped by the three others.
    expect(r).toEqual({ accepted: POSTS, skipped: 3 * POSTS });
    expect(await combined(buckets.shards.main)).toEqual(single);
    expect(await postPoints(buckets.shards.raw)).toBe(singlePosts);
  }, 50_000);

  it('2 replicas of one shard give the counts of one (not twice)', async () => {
    buckets.replicas = await freshBuckets('shard_replicas');
    await replayAll(file, dir, buckets.replicas, [
      { shard: '0/1', instance: 'replica-a' },
      { shard: '0/1', instance: 'replica-b' },
    ]);
    expect(await combined(buckets.replicas.main)).toEqual(single);
    // Post points are idempotent by id: the replicas wrote the same points.
    expect(await postPoints(buckets.replicas.raw)).toBe(singlePosts);
    // Ignoring the instance tag would count every post twice: the combination is what makes it exact.
    const naive = byTopicMinute(await queryRows(naiveCountsFlux(buckets.replicas.main, FROM, TO)));
    expect(total(naive)).toBe(2 * total(single));
  }, 50_000);

  it('the report and the analytics read combine shards and replicas the same way', async () => {
    const env = influxEnv();
    const perTopic = (m: Map<string, number>): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const [k, v] of m) out[k.split('@')[0]!] = (out[k.split('@')[0]!] ?? 0) + v;
      return out;
    };
    const expected = perTopic(single);
    const config = parseConfig(
      `influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}\n${SHARD_TOPICS_YAML}`,
      SOURCE_SCHEMAS,
    );
    const options = { ...jobOptionsFromConfig(config), bucket: '' };
    const queryApi = new InfluxDB({ url: env.url, token: env.adminToken }).getQueryApi(env.org);
    let reference: string | undefined;
    for (const name of ['single', 'shards', 'replicas']) {
      const b = buckets[name]!;
      const report = await readReport(
        { url: env.url, token: env.adminToken, org: env.org, buckets: b, rollupSeconds: 60 },
        '-6h',
      );
      const posts = Object.fromEntries(report.topics.map((t) => [t.topic, t.posts]));
      expect(posts, name).toEqual(expected);
      const { series } = await readAlignedSeries(
        queryApi,
        { ...options, bucket: b.main },
        FROM,
        (TO - FROM) / 60_000,
      );
      const text = JSON.stringify(
        [...series.topics].map(([t, s]) => [t, [...s.count], [...s.pos], [...s.neg]]),
      );
      reference ??= text;
      expect(text, name).toBe(reference);
    }
  }, 50_000);
});
