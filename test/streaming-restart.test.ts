// The streaming detector survives a restart: the analytics service (streaming job only) runs over a
// planted 36-hour stream in a child process on a fast simulated clock, is SIGKILLed mid-stream (no
// clean shutdown: whatever it was doing is cut), started again on the same state dir, and the set of
// streaming anomaly points it leaves in the real InfluxDB must equal an uninterrupted run's over a
// copy of the same data, to the last digit of every field.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAnalyticsService } from '../analytics/service/index.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';
import { type PlantedCoin, plantedConfigYaml, plantedSeries } from './helpers/planted-series.ts';

const B = 60_000;
const START = Date.UTC(2024, 5, 1);
const BUCKETS = 36 * 60;
const END = START + BUCKETS * B;
const WARMUP_BUCKETS = 6 * 60;
const SETTLE_MS = 7_000;
/** Simulated ms per real ms in the child: 20 buckets per 100 ms tick. */
const SPEED = 12_000;
const COINS: PlantedCoin[] = [
  { topic: 'bitcoin', symbol: 'BTC', lagBuckets: 3, rho: 0.3, lambda: 0.4 },
  { topic: 'ethereum', symbol: 'ETH', lagBuckets: 5, rho: 0.3, lambda: 0.4 },
];
const STREAMING = `  streaming: { warmup: 6h, tickSeconds: 0.1, settleSeconds: ${SETTLE_MS / 1000} }`;

interface Flag {
  _time: string;
  series: string;
  topic?: string;
  symbol?: string;
  direction: string;
  value: number;
  expected: number;
  score: number;
  kind: string;
  onset: boolean;
}

function readFlags(bucket: string): Promise<Flag[]> {
  return queryRows<Flag>(
    `from(bucket: "${bucket}") |> range(start: 2024-05-01T00:00:00Z, stop: 2024-07-01T00:00:00Z)
      |> filter(fn: (r) => r._measurement == "anomaly" and r.method == "streaming" and r._field != "text")
      |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
      |> group() |> keep(columns: ["_time", "series", "topic", "symbol", "direction", "value", "expected", "score", "kind", "onset"])
      |> sort(columns: ["_time", "series", "topic", "symbol"])`,
  );
}

/** Runs the child until it exits (resolves its code) or, with `killAtNextMs`, SIGKILLs it once it has fed past that. */
function runChild(
  envs: Record<string, string>,
  killAtNextMs?: number,
): Promise<{
  code: number | null;
  signal: string | null;
  lastClock: number;
  lastNext: number;
  restored: boolean;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/streaming-child.ts'], {
      env: { ...process.env, ...envs },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastClock = 0;
    let lastNext = 0;
    let killing = false;
    let restored = false;
    let stderr = '';
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const m = /^clock (\d+(?:\.\d+)?) next (\d+) restored ([01])$/.exec(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (!m) continue;
        lastClock = Number(m[1]);
        lastNext = Number(m[2]);
        if (m[3] === '1') restored = true;
        // 50 ms later: the child is most likely inside its next run (reading, feeding or writing).
        if (killAtNextMs !== undefined && lastNext >= killAtNextMs && !killing) {
          killing = true;
          setTimeout(() => child.kill('SIGKILL'), 50);
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ code, signal, lastClock, lastNext, restored });
    });
  });
}

describe('streaming anomalies survive a kill and restart of the analytics service', () => {
  let uninterrupted: Flag[];
  let restarted: Flag[];
  let killedAt: { lastNext: number; signal: string | null };
  let restoredAfterKill: boolean;

  beforeAll(async () => {
    const env = influxEnv();
    const a = await freshBuckets('stream_once');
    const b = await freshBuckets('stream_kill');
    const { lines } = plantedSeries({
      seed: 23,
      startMs: START,
      buckets: BUCKETS,
      coins: COINS,
      controlTopics: ['weather'],
    });
    for (const buckets of [a, b]) {
      const w = testWriter(buckets);
      w.write('main', lines);
      await w.close();
    }
    const work = mkdtempSync(join(tmpdir(), 'stream-restart-'));
    const yamlOf = (buckets: { main: string; raw: string }): string =>
      plantedConfigYaml({
        url: env.url,
        org: env.org,
        ...buckets,
        coins: COINS,
        controlTopics: ['weather'],
        extraAnalytics: STREAMING,
      });
    const firstClock = START + (WARMUP_BUCKETS + 1) * B + SETTLE_MS;

    // Uninterrupted: in-process, the clock stepped 30 buckets at a time (other chunks than the child's).
    let clock = firstClock;
    const once = await startAnalyticsService({
      config: parseConfig(yamlOf(a), SOURCE_SCHEMAS),
      token: env.adminToken,
      serveHealth: false,
      scheduled: false,
      stateDir: join(work, 'once'),
      now: () => clock,
    });
    for (; clock < END + B + SETTLE_MS; clock += 30 * B) await once.streamNow();
    clock = END + SETTLE_MS;
    await once.streamNow();
    await once.stop();

    // Killed mid-stream, then started again on the same state dir.
    const configFile = join(work, 'kill.yaml');
    writeFileSync(configFile, yamlOf(b));
    const base = {
      CONFIG_FILE: configFile,
      STATE_DIR: join(work, 'kill'),
      INFLUX_TOKEN: env.adminToken,
      SPEED: String(SPEED),
      END_MS: String(END),
    };
    const mid = START + Math.round(BUCKETS * 0.55) * B;
    const first = await runChild({ ...base, CLOCK_START_MS: String(firstClock) }, mid);
    killedAt = { lastNext: first.lastNext, signal: first.signal };
    const saved = JSON.parse(readFileSync(join(work, 'kill', 'streaming.json'), 'utf8')) as {
      state: { nextBucketMs: number };
    };
    process.stderr.write(
      `[streaming restart] killed (${first.signal}) after feeding to ${new Date(first.lastNext).toISOString()}; ` +
        `saved state continues at ${new Date(saved.state.nextBucketMs).toISOString()}\n`,
    );
    // The clock goes on from where the killed child's stopped (it may have fed past its last report).
    const resume = Math.max(first.lastClock, saved.state.nextBucketMs + SETTLE_MS);
    const second = await runChild({ ...base, CLOCK_START_MS: String(resume) });
    expect(second.code).toBe(0);
    restoredAfterKill = second.restored && !first.restored;

    uninterrupted = await readFlags(a.main);
    restarted = await readFlags(b.main);
  }, 180_000);

  it('was really killed mid-stream', () => {
    expect(killedAt.signal).toBe('SIGKILL');
    expect(killedAt.lastNext).toBeGreaterThan(START + WARMUP_BUCKETS * B);
    expect(killedAt.lastNext).toBeLessThan(END);
    // The second process continued from the saved state (no warm-up from history).
    expect(restoredAfterKill).toBe(true);
  });

  it('writes the same streaming anomaly points as the uninterrupted run', () => {
    process.stderr.write(
      `[streaming restart] uninterrupted ${uninterrupted.length} flags, restarted ${restarted.length}\n`,
    );
    expect(uninterrupted.length).toBeGreaterThan(5);
    expect(restarted).toEqual(uninterrupted);
  });

  it('flags the planted spikes after the warm-up (the points are about the stream, not noise)', () => {
    const t = (f: Flag): number => Date.parse(f._time);
    expect(uninterrupted.every((f) => t(f) >= START + WARMUP_BUCKETS * B && t(f) < END)).toBe(true);
    expect(uninterrupted.some((f) => f.series === 'volume' && f.kind === 'spike')).toBe(true);
  });
});
