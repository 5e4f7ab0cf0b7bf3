// The collector as a real process: SIGTERM loses nothing; kill -9 loses at most what was accepted
// since the last spool sync (the bound docs/reliability.md states, measured here).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/influx/local-server.ts';
import {
  metricValue,
  ownInfluxPerTest,
  receivedByTopic,
  sleep,
  storedCounts,
  sumMap,
} from '../helpers/collector-env.ts';

const POSTS_PER_SECOND = 250;
const own = ownInfluxPerTest(POSTS_PER_SECOND);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function spawnCollector(
  port: number,
): Promise<{ child: ChildProcess; output: () => string; metrics: () => Promise<string> }> {
  const cfg = yaml.load(own.env.yaml) as {
    services: { collector: { port: number } };
    log: { level: string };
  };
  cfg.services.collector.port = port;
  cfg.log.level = 'info';
  const file = join(own.env.work, 'config.yaml');
  writeFileSync(file, yaml.dump(cfg));
  let out = '';
  const child = spawn(
    process.execPath,
    ['bin/cryptocrawler.js', '-c', file, 'collect', '--sources', 'simulate'],
    {
      env: { ...process.env, INFLUX_COLLECTOR_TOKEN: own.env.setup.tokens.collector, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (let i = 0; i < 300; i++) {
    try {
      await metrics();
      break;
    } catch {
      await sleep(100);
    }
  }
  return { child, output: () => out, metrics };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code)),
  );
}

describe('collector process faults', () => {
  it('SIGTERM flushes everything and exits 0: stored counts equal accepted counts', async () => {
    const port = await freePort();
    const p = await spawnCollector(port);
    await sleep(8_000);
    p.child.kill('SIGTERM');
    expect(await exited(p.child)).toBe(0);
    const summary = /"postsAccepted":(\d+).*"pointsDropped":(\d+).*"spooledLines":(\d+)/.exec(p.output());
    expect(summary, p.output()).not.toBeNull();
    const accepted = Number(summary![1]);
    expect(Number(summary![2])).toBe(0);
    expect(Number(summary![3])).toBe(0);
    const stored = await storedCounts(own.env, Date.now() + 60_000);
    expect(accepted).toBeGreaterThan(POSTS_PER_SECOND * 5);
    expect(sumMap(stored.posts)).toBe(accepted);
    expect(sumMap(stored.rollups)).toBe(accepted);
  }, 60_000);

  it('kill -9 during an outage loses at most the posts accepted since the last spool sync', async () => {
    const port = await freePort();
    const p = await spawnCollector(port);
    await sleep(4_000);
    await own.env.server.pause();
    await sleep(4_000);
    // Follow the accepted count closely, then kill right after a reading.
    let last = '';
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      last = await p.metrics();
      await sleep(20);
    }
    last = await p.metrics();
    const killedAt = Date.now();
    p.child.kill('SIGKILL');
    await exited(p.child);
    const accepted = sumMap(receivedByTopic(last));
    const spooledBefore = metricValue(last, 'spool_appended_lines_total');
    expect(spooledBefore).toBeGreaterThan(0);

    await own.env.server.resume();
    const q = await spawnCollector(port); // drains the spool left behind
    for (let i = 0; i < 600; i++) {
      const m = await q.metrics();
      if (metricValue(m, 'spool_bytes') === 0 && metricValue(m, 'spool_replayed_lines_total') > 0) break;
      await sleep(100);
    }
    q.child.kill('SIGTERM');
    expect(await exited(q.child)).toBe(0);

    const stored = sumMap((await storedCounts(own.env, killedAt)).posts);
    const lost = Math.max(0, accepted - stored);
    const syncMs = own.env.config.influx.spool.syncIntervalMs;
    const topicsPerPost =
      accepted / Math.max(1, metricValue(last, 'simulate_posts_generated_total') || accepted);
    // The bound: one sync interval of posts (plus the reading's 20 ms), per topic a post was routed to.
    const bound = Math.ceil(POSTS_PER_SECOND * Math.max(1, topicsPerPost) * ((syncMs + 250) / 1000));
    process.stderr.write(
      `[kill -9] accepted ${accepted} post points before the kill, stored ${stored}, lost ${lost} (bound ${bound}, spool sync ${syncMs} ms)\n`,
    );
    expect(lost).toBeLessThanOrEqual(bound);
  }, 120_000);
});
