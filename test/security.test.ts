// Secrets never leak: tokens planted in the environment are looked for in every byte the commands
// print and in /metrics, while the commands fail on purpose (a wrong token makes InfluxDB answer 401
// and the error paths log). /metrics also carries no post text.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/influx/local-server.ts';
import { influxEnv } from './helpers/influx.ts';

const PLANTED = {
  INFLUX_COLLECTOR_TOKEN: 'planted-collector-token-7f3a9c1e5b',
  INFLUX_ADMIN_TOKEN: 'planted-admin-token-0d9e8f7a6b',
  INFLUX_GRAFANA_TOKEN: 'planted-grafana-token-c4b3a2918f',
  X_BEARER_TOKEN: 'planted-x-bearer-AAAAAAAAAAAAAAAAAAAAAMLheAAAA',
  CRYPTOCOMPARE_API_KEY: 'planted-cc-key-5e6f7a8b9c0d',
};

function configFile(port: number): string {
  const env = influxEnv();
  const raw = yaml.load(readFileSync('config.yaml', 'utf8')) as Record<string, Record<string, unknown>>;
  raw.influx!.url = env.url;
  raw.influx!.org = env.org;
  const dir = mkdtempSync(join(tmpdir(), 'sec-'));
  (raw.influx as { spool: Record<string, unknown> }).spool.dir = join(dir, 'spool');
  raw.services = { collector: { host: '127.0.0.1', port }, analytics: { host: '127.0.0.1', port: 0 } };
  raw.log = { level: 'debug' };
  raw.sources = { simulate: { enabled: true, historyHours: 0, postsPerSecond: 50 } };
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml.dump(raw));
  return file;
}

function run(args: string[], ms: number, onStart?: () => Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, ['bin/cryptocrawler.js', ...args], {
      env: { ...process.env, ...PLANTED, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    void onStart?.();
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

function expectNoSecret(text: string): void {
  for (const [name, value] of Object.entries(PLANTED))
    expect(text.includes(value), `${name} leaked`).toBe(false);
}

describe('secrets and privacy', () => {
  it('collect with a rejected token logs the failures without the token; /metrics has neither secrets nor post texts', async () => {
    const port = await freePort();
    const file = configFile(port);
    let metrics = '';
    const output = await run(['-c', file, 'collect', '--sources', 'simulate'], 8_000, async () => {
      for (let i = 0; i < 60 && !metrics.includes('posts_received_total'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
      }
      await new Promise((r) => setTimeout(r, 3000));
      metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => metrics,
      );
    });
    // The failure is really exercised: InfluxDB refused the planted token and the collector said so.
    expect(output).toMatch(/write failed|spooled/);
    // Counted, not just exported (every class is exported at 0 from the start).
    expect(metrics).toMatch(/^cryptocrawler_write_errors_total\{class="auth"[^}]*\} [1-9]/m);
    expectNoSecret(output);
    expectNoSecret(metrics);
    // No post text, id or author in any label: label values are bounded names only.
    for (const m of metrics.matchAll(/\{([^}]*)\}/g))
      for (const v of m[1]!.matchAll(/="([^"]*)"/g)) expect(v[1]!.length).toBeLessThan(64);
    expect(metrics).not.toMatch(/label="?text|author_id|\bid="/);
  }, 60_000);

  it('setup and report fail on rejected tokens with messages that carry no token', async () => {
    const file = configFile(await freePort());
    const setup = await run(['-c', file, 'setup'], 20_000);
    expect(setup).toMatch(/HTTP 401|unauthorized/i);
    expectNoSecret(setup);
    const report = await run(['-c', file, 'report', '--since', '1h'], 20_000);
    expect(report).toMatch(/unauthorized|401/i);
    expectNoSecret(report);
  }, 60_000);
});
