// The multi-process benchmark of docs/scaling.md: 3 collector shards and 2 analytics instances, each
// a real `cryptocrawler` process, against one local influxd, fed a recorded file at a fixed rate.
// Run: npm run bench:scale -- [--rate 5000] [--seconds 600] [--gzip-threshold BYTES] [--batch-size N]
//   [--profile DIR] (docs/performance.md runs it with --gzip-threshold 1000000000: loopback, no gzip)
//
// Every shard replays the whole file at the recorded pace (`timestamps: original`) and keeps its third
// of the posts by id; the analytics instances run their schedule (`analyze --follow --partition k/2`).
// Every 10 s it samples each process's /metrics and CPU time (from /proc); at the end it checks the
// stored counts against the file: `post` points per topic and the combined `social` counts per topic
// (shards summed, replicas maxed) must equal what routing the file's texts gives. Prints markdown.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InfluxDB } from '@influxdata/influxdb-client';
import yaml from 'js-yaml';
import { createTopicRouter } from '../collectors/social/routing/index.ts';
import { combineSocialStages } from '../collectors/social/rollup-flux.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { mulberry32 } from '../src/core/random.ts';
import { freePort, startLocalInfluxd } from '../src/influx/local-server.ts';
import { setupInflux } from '../src/influx/setup.ts';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '600' },
    shards: { type: 'string', default: '3' },
    analytics: { type: 'string', default: '2' },
    // Write options of every process (config influx.write); unset = the config defaults.
    'batch-size': { type: 'string' },
    'gzip-threshold': { type: 'string' },
    // Writes a V8 CPU profile of each collector to this directory (node --cpu-prof), for profiling.
    profile: { type: 'string' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const SHARDS = Number(args.shards);
const ANALYTICS = Number(args.analytics);
const POSTS = RATE * SECONDS;
const WRITE = {
  ...(args['batch-size'] ? { batchSize: Number(args['batch-size']) } : {}),
  ...(args['gzip-threshold'] ? { gzipThresholdBytes: Number(args['gzip-threshold']) } : {}),
};
/** CPU times in /proc are in clock ticks (USER_HZ): 100 on Linux. */
const TICKS_PER_S = 100;

const TOPICS_YAML = `
topics:
  - { name: bitcoin, keywords: [bitcoin, btc], coin: BTC }
  - { name: ethereum, keywords: [ethereum, eth], coin: ETH }
  - { name: iota, keywords: [iota, tangle], coin: IOTA }
  - { name: solana, keywords: [solana, sol], coin: SOL }
  - { name: defi, keywords: [defi, yield] }
  - { name: nft, keywords: [nft, opensea] }
coins: [BTC, ETH, IOTA, SOL]
quotes: [USD]
`;
const PHRASES = [
  'bitcoin to the moon',
  'btc looks weak today, bearish',
  'ethereum gas is awful again',
  'eth and bitcoin both pumping, bullish',
  'iota tangle update is great',
  'solana is down again, rekt',
  'sol and eth defi yields are crazy',
  'my nft on opensea sold',
  'football tonight, no crypto',
  'HODL btc, ignore the FUD',
];

const work = mkdtempSync(join(tmpdir(), 'scale-bench-'));
const file = join(work, 'posts.ndjson');
const children: ChildProcess[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes the file (times from `t0`, evenly spaced at RATE) and returns the expected posts per topic. */
async function writeFile(t0: number): Promise<Map<string, number>> {
  const router = createTopicRouter(
    parseConfig(`influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}\n${TOPICS_YAML}`, SOURCE_SCHEMAS)
      .topics,
  );
  const routes = PHRASES.map((p) => router.route(p));
  const expected = new Map<string, number>();
  const rnd = mulberry32(5);
  const out = createWriteStream(file);
  let chunk: string[] = [];
  for (let i = 0; i < POSTS; i++) {
    const k = Math.floor(rnd() * PHRASES.length);
    for (const t of routes[k]!) expected.set(t, (expected.get(t) ?? 0) + 1);
    chunk.push(
      `{"id":"${2000000000000000000n + BigInt(i)}","text":"${PHRASES[k]} #${i % 89}","createdAtMs":${t0 + Math.floor((i * 1000) / RATE)},"lang":"en"}`,
    );
    if (chunk.length === 50_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = [];
    }
  }
  out.write(chunk.length ? `${chunk.join('\n')}\n` : '');
  await new Promise((r) => out.end(r));
  return expected;
}

interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
  out: string;
}

function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the comm field.
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

async function metricsOf(p: Proc): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
  } catch {
    return '';
  }
}

function sum(text: string, name: string, filter = ''): number {
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^cryptocrawler_${name}(\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm')))
    if ((m[1] ?? '').includes(filter)) total += Number(m[2]);
  return total;
}

async function main(): Promise<void> {
  const server = await startLocalInfluxd({ dataDir: join(work, 'influxd') });
  const org = 'bench';
  const token = 'bench-admin-token-0123456789';
  await setupInflux({
    url: server.url,
    org,
    adminToken: token,
    onboarding: { username: 'admin', password: 'bench-password-0123456789' },
    buckets: [
      { role: 'main', name: 'crypto', retention: 'forever' },
      { role: 'raw', name: 'crypto_raw', retention: 'forever' },
    ],
  });
  // Posts are stamped from about when the processes will be up (tsx start-up); each shard replays from
  // its own start at the recorded pace, so stamps run at most a few seconds ahead of the clock.
  const startAt = Math.ceil((Date.now() + 25_000) / 1000) * 1000;
  const genStart = performance.now();
  const expected = await writeFile(startAt);
  process.stderr.write(
    `file: ${POSTS} posts written in ${((performance.now() - genStart) / 1000).toFixed(1)} s\n`,
  );

  const spawnProc = async (name: string, argv: string[], extra: Record<string, unknown>): Promise<Proc> => {
    const port = await freePort();
    const dir = join(work, name);
    const cfg = {
      influx: {
        url: server.url,
        org,
        buckets: { main: { name: 'crypto' }, raw: { name: 'crypto_raw' } },
        spool: { dir: join(dir, 'spool') },
        ...(Object.keys(WRITE).length ? { write: WRITE } : {}),
      },
      ...(yaml.load(TOPICS_YAML) as object),
      services: {
        collector: { host: '127.0.0.1', port: argv[0] === 'collect' ? port : 0 },
        analytics: { host: '127.0.0.1', port: argv[0] === 'analyze' ? port : 0 },
      },
      log: { level: 'warn' },
      ...extra,
    };
    const configFile = join(work, `${name}.yaml`);
    writeFileSync(configFile, yaml.dump(cfg));
    const prof =
      args.profile && argv[0] === 'collect' ? ['--cpu-prof', '--cpu-prof-dir', join(args.profile, name)] : [];
    const child = spawn(process.execPath, [...prof, 'bin/cryptocrawler.js', '-c', configFile, ...argv], {
      env: { ...process.env, INFLUX_TOKEN: token, INFLUX_COLLECTOR_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const p: Proc = { name, child, port, out: '' };
    child.stdout!.on('data', (d) => (p.out = (p.out + String(d)).slice(-4000)));
    child.stderr!.on('data', (d) => (p.out = (p.out + String(d)).slice(-4000)));
    return p;
  };

  const collectors: Proc[] = [];
  for (let k = 0; k < SHARDS; k++)
    collectors.push(
      await spawnProc(
        `collector-${k}`,
        ['collect', '--sources', 'replay', '--shard', `${k}/${SHARDS}`, '--instance', `shard-${k}`],
        {
          sources: { replay: { enabled: true, file, speed: 1, timestamps: 'original', progress: false } },
        },
      ),
    );
  const analytics: Proc[] = [];
  for (let k = 0; k < ANALYTICS; k++)
    analytics.push(
      await spawnProc(`analytics-${k}`, ['analyze', '--follow', '--partition', `${k}/${ANALYTICS}`], {
        analytics: { intervalSeconds: 60, lookback: '6h', minPoints: 10, anomalies: { lookback: '2d' } },
      }),
    );
  const all = [...collectors, ...analytics];
  const influxStart = cpuSeconds(server.pid);
  const spawnedAt = Date.now();
  const samples: string[] = [];
  interface Sample {
    t: number;
    records: number;
    shards: number;
    analytics: number;
    influxd: number;
  }
  const cpuSample = (t: number, records: number): Sample => ({
    t,
    records,
    shards: collectors.reduce((a, p) => a + cpuSeconds(p.child.pid), 0),
    analytics: analytics.reduce((a, p) => a + cpuSeconds(p.child.pid), 0),
    influxd: cpuSeconds(server.pid) - influxStart,
  });
  const series: Sample[] = [];
  let wall0 = 0;
  let maxBehind = 0;
  let lastRecordAt = 0;
  const perPost = (a: Sample, b: Sample, k: 'shards' | 'influxd'): string =>
    b.records > a.records ? (((b[k] - a[k]) / (b.records - a.records)) * 1e6).toFixed(0) : '-';
  for (;;) {
    await sleep(wall0 ? 10_000 : 500);
    const texts = await Promise.all(collectors.map(metricsOf));
    const perShard = texts.map((t) => sum(t, 'replay_records_total'));
    const records = Math.min(...perShard);
    const now = Date.now();
    if (!wall0) {
      if (records === 0) continue;
      wall0 = now;
      process.stderr.write(`replay started ${((now - spawnedAt) / 1000).toFixed(0)} s after spawning\n`);
      series.push(cpuSample(0, records));
      continue;
    }
    const elapsed = (now - wall0) / 1000;
    const behind = Math.max(0, Math.min(SECONDS, elapsed) * RATE - records) / RATE;
    maxBehind = Math.max(maxBehind, behind);
    const prev = series.at(-1)!;
    const cur = cpuSample(elapsed, records);
    series.push(cur);
    const line = `t=${elapsed.toFixed(0)}s records/s (slowest shard) ${((cur.records - prev.records) / (cur.t - prev.t)).toFixed(0)} behind ${behind.toFixed(1)} s read ${((records / POSTS) * 100).toFixed(1)}%; CPU µs/post shards ${perPost(prev, cur, 'shards')} influxd ${perPost(prev, cur, 'influxd')}; analytics ${((cur.analytics - prev.analytics) / (cur.t - prev.t)).toFixed(2)} cores; load ${loadavg()[0]!.toFixed(1)}`;
    samples.push(line);
    process.stderr.write(`${line}\n`);
    if (records >= POSTS) {
      lastRecordAt = now;
      break;
    }
    if (elapsed > SECONDS * 3 + 120) break;
  }
  // Steady state: from the first sample 30 s in (start-up of tsx and the scorer done) to the last.
  const first = series.find((x) => x.t >= 30) ?? series[0]!;
  const last = series.at(-1)!;
  const steady =
    last.records > first.records
      ? `Steady state (t=${first.t.toFixed(0)}-${last.t.toFixed(0)} s, ${last.records - first.records} posts): collectors ${perPost(first, last, 'shards')} µs of CPU per post (${SHARDS} shards together), influxd ${perPost(first, last, 'influxd')} µs per post, analytics ${((last.analytics - first.analytics) / (last.t - first.t)).toFixed(2)} cores.`
      : 'No steady-state window (run shorter than 30 s).';
  // Replay wall time: from the first record read to the sample that saw the last (10 s resolution).
  const wall = ((lastRecordAt || Date.now()) - wall0) / 1000;
  const total = (Date.now() - spawnedAt) / 1000;
  // Let the last rollup intervals close (grace 5 s) and the analytics finish a run.
  await sleep(8_000);
  const analyticsText = await Promise.all(analytics.map(metricsOf));
  const collectorText = await Promise.all(collectors.map(metricsOf));
  // CPU since spawn (tsx start-up included, about 3 s a process).
  const cpu = new Map(all.map((p) => [p.name, cpuSeconds(p.child.pid)]));
  const influxCpu = cpuSeconds(server.pid) - influxStart;
  for (const p of collectors) p.child.kill('SIGTERM');
  await Promise.all(
    collectors.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(0) : p.child.once('exit', r)))),
  );
  for (const p of analytics) p.child.kill('SIGTERM');
  await Promise.all(
    analytics.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(0) : p.child.once('exit', r)))),
  );

  const q = new InfluxDB({ url: server.url, token, timeout: 600_000 }).getQueryApi(org);
  const range = `range(start: ${new Date(startAt - 3600_000).toISOString()}, stop: ${new Date(startAt + SECONDS * 1000 + 3600_000).toISOString()})`;
  const posts = await q.collectRows<{ topic: string; _value: number }>(
    `from(bucket: "crypto_raw") |> ${range} |> filter(fn: (r) => r._measurement == "post" and r._field == "score") |> group(columns: ["topic"]) |> count()`,
  );
  const rollups = await q.collectRows<{ topic: string; _value: number }>(
    [
      `from(bucket: "crypto") |> ${range} |> filter(fn: (r) => r._measurement == "social" and r._field == "count")`,
      ...combineSocialStages({ every: '1m', by: ['topic'] }),
      `|> group(columns: ["topic"]) |> sum()`,
    ].join('\n'),
  );
  const postMap = new Map(posts.map((r) => [r.topic, Number(r._value)]));
  const rollupMap = new Map(rollups.map((r) => [r.topic, Number(r._value)]));

  const out: string[] = [];
  out.push(
    `### ${SHARDS} collector shards + ${ANALYTICS} analytics instances, ${RATE} posts/s for ${SECONDS} s`,
  );
  out.push('');
  out.push(
    `Replay wall ${wall.toFixed(0)} s for ${SECONDS} s of recorded posts (${(POSTS / wall).toFixed(0)} posts/s sustained); largest backlog ${maxBehind.toFixed(1)} s. CPU is counted over the whole run, ${total.toFixed(0)} s from spawn to the end.`,
  );
  out.push('');
  out.push('| topic | expected | `post` points | combined `social` count | exact |');
  out.push('| --- | ---: | ---: | ---: | --- |');
  let exact = true;
  for (const [topic, n] of [...expected].sort()) {
    const ok = postMap.get(topic) === n && rollupMap.get(topic) === n;
    exact &&= ok;
    out.push(
      `| ${topic} | ${n} | ${postMap.get(topic) ?? 0} | ${rollupMap.get(topic) ?? 0} | ${ok ? 'yes' : 'NO'} |`,
    );
  }
  out.push('');
  out.push('| process | CPU s | CPU share of one core | notes |');
  out.push('| --- | ---: | ---: | --- |');
  for (const [i, p] of collectors.entries()) {
    const t = collectorText[i]!;
    out.push(
      `| ${p.name} | ${cpu.get(p.name)!.toFixed(1)} | ${((cpu.get(p.name)! / total) * 100).toFixed(0)}% | accepted ${sum(t, 'posts_received_total')} post-topics, skipped ${sum(t, 'posts_skipped_total')} (other shards), points written ${sum(t, 'points_written_total')}, dropped ${sum(t, 'points_dropped_total')} |`,
    );
  }
  for (const [i, p] of analytics.entries()) {
    const t = analyticsText[i]!;
    const runs = sum(t, 'analytics_runs_total', 'outcome="ok"');
    const runSeconds = sum(t, 'analytics_job_duration_seconds_sum', 'job="run"');
    out.push(
      `| ${p.name} | ${cpu.get(p.name)!.toFixed(1)} | ${((cpu.get(p.name)! / total) * 100).toFixed(0)}% | ${runs} runs ok, mean run ${(runSeconds / Math.max(1, sum(t, 'analytics_job_duration_seconds_count', 'job="run"'))).toFixed(2)} s, ${sum(t, 'analytics_partition_series', 'kind="topics"')} topics / ${sum(t, 'analytics_partition_series', 'kind="coins"')} coins |`,
    );
  }
  out.push(`| influxd | ${influxCpu.toFixed(1)} | ${((influxCpu / total) * 100).toFixed(0)}% | |`);
  out.push('');
  out.push(`Exact counts: ${exact ? 'yes' : 'NO'}.`);
  out.push(steady);
  const engineBytes = Number(
    execFileSync('du', ['-sb', join(server.dataDir, 'engine')], { encoding: 'utf8' }).split('\t')[0],
  );
  out.push(
    `influxd engine directory after the run: ${(engineBytes / 1e6).toFixed(0)} MB, ${(engineBytes / POSTS).toFixed(0)} bytes per post (raw \`post\` points, rollups and results, before compaction).`,
  );
  out.push(
    `Load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} (1/5/15 min; 2 cores).`,
  );
  out.push('');
  out.push('Samples:');
  out.push('');
  out.push('```');
  out.push(...samples);
  out.push('```');
  process.stdout.write(`${out.join('\n')}\n`);
  await server.stop();
  rmSync(work, { recursive: true, force: true });
  if (!exact) process.exitCode = 1;
}

process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});
await main();
