// A real Prometheus (Debian's `prometheus` package) for integration tests: a temp config and TSDB, a
// free loopback port, started and stopped by the test. Queries go through its HTTP API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { freePort } from '../../src/influx/local-server.ts';

export interface ScrapeJob {
  name: string;
  targets: string[];
}

export interface PrometheusHandle {
  url: string;
  /** Instant query; throws when Prometheus answers with an error (bad PromQL included). */
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export function prometheusBinary(): string {
  if (process.env.PROMETHEUS_BIN) return process.env.PROMETHEUS_BIN;
  const r = spawnSync('which', ['prometheus'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path)
    throw new Error('no prometheus binary on PATH (apt-get install prometheus, or set PROMETHEUS_BIN)');
  return path;
}

export async function startPrometheus(o: {
  jobs: ScrapeJob[];
  scrapeIntervalS?: number;
}): Promise<PrometheusHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-prom-'));
  const interval = `${o.scrapeIntervalS ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    // honor_labels as in prometheus/prometheus.yml: the analytics metrics' own `job` label is kept.
    scrape_configs: o.jobs.map((j) => ({
      job_name: j.name,
      honor_labels: true,
      static_configs: [{ targets: j.targets }],
    })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), yaml.dump(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    prometheusBinary(),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    stop,
    async query(expr) {
      const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await r.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: unknown };
      };
      if (body.status !== 'success') throw new Error(`PromQL ${expr}: ${body.error ?? r.status}`);
      const { resultType, result } = body.data!;
      if (resultType === 'scalar') return [{ metric: {}, value: Number((result as [number, string])[1]) }];
      if (resultType !== 'vector') throw new Error(`PromQL ${expr}: unexpected result type ${resultType}`);
      return (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
        metric: s.metric,
        value: Number(s.value[1]),
      }));
    },
  };
}
