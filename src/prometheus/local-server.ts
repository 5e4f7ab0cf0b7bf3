// The one launcher of a real Prometheus for the tests, the demo and `dashboards render`: the version
// docker-compose.yml pins, built once from the Go module proxy by scripts/build-prometheus.sh (cached
// beside influxd), started on a free loopback port with a temporary config and TSDB.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { freePort } from '../influx/local-server.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PROMETHEUS_BUILD_SCRIPT = join(REPO_ROOT, 'scripts', 'build-prometheus.sh');

/** Path of a ready prometheus: PROMETHEUS_BIN, the cached build, or a fresh build (progress on stderr). */
export function resolvePrometheus(opts: { build?: boolean; onProgress?: boolean } = {}): string {
  const r = spawnSync('bash', [PROMETHEUS_BUILD_SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, ...(opts.build === false ? { PROMETHEUS_NO_BUILD: '1' } : {}) },
    stdio: ['ignore', 'pipe', opts.onProgress ? 'inherit' : 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const tail = (r.stderr ?? '').trim().split('\n').slice(-5).join('\n');
    throw new Error(`prometheus is not available: ${tail || `build script exited ${r.status}`}`);
  }
  return r.stdout.trim().split('\n').pop()!;
}

export interface ScrapeJob {
  name: string;
  targets: string[];
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface LocalPrometheus {
  url: string;
  /** Instant query; throws when Prometheus answers with an error (bad PromQL included). */
  query(expr: string, timeS?: number): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PrometheusStartOptions {
  jobs: ScrapeJob[];
  /** Scrape and rule evaluation interval, seconds (default 1). */
  scrapeIntervalS?: number;
  binary?: string;
  startTimeoutMs?: number;
}

/**
 * The scrape config the project runs with (prometheus/prometheus.yml has the same shape):
 * honor_labels keeps the analytics metrics' own `job` label, which the dashboards and the
 * "analytics stale" alert group by.
 */
export function scrapeConfig(jobs: ScrapeJob[], intervalS: number): string {
  const interval = `${intervalS}s`;
  return yaml.dump({
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: jobs.map((j) => ({
      job_name: j.name,
      honor_labels: true,
      static_configs: [{ targets: j.targets }],
    })),
  });
}

export async function startLocalPrometheus(o: PrometheusStartOptions): Promise<LocalPrometheus> {
  const binary = o.binary ?? resolvePrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'cryptocrawler-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), scrapeConfig(o.jobs, o.scrapeIntervalS ?? 1));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
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

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (o.startTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within ${o.startTimeoutMs ?? 20_000} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    stop,
    async query(expr, timeS) {
      const params = new URLSearchParams({ query: expr });
      if (timeS !== undefined) params.set('time', String(timeS));
      const r = await fetch(`${url}/api/v1/query?${params}`);
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
