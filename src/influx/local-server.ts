// Starts a real influxd (InfluxDB OSS 2.x) on a free loopback port with a temporary data dir, for
// tests and the demo. The binary comes from scripts/build-influxd.sh (cached outside the repo).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfluxApi } from './api.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD_SCRIPT = join(REPO_ROOT, 'scripts', 'build-influxd.sh');

/** Path of a ready influxd: INFLUXD_BIN, one on PATH of the pinned version, the cache, or a build. */
export function resolveInfluxd(opts: { build?: boolean; onProgress?: (line: string) => void } = {}): string {
  const r = spawnSync('bash', [BUILD_SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, ...(opts.build === false ? { INFLUXD_NO_BUILD: '1' } : {}) },
    stdio: ['ignore', 'pipe', opts.onProgress ? 'inherit' : 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`influxd is not available: ${(r.stderr ?? '').trim().split('\n').slice(-5).join('\n')}`);
  return r.stdout.trim().split('\n').pop()!;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface LocalInfluxd {
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s); removes the data dir unless kept. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** Stops it and starts it again on the same port and data (for outage tests). */
  restart(): Promise<void>;
  /** Stops it but keeps the data, for outage tests; start again with resume(). */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export interface StartOptions {
  binary?: string;
  port?: number;
  dataDir?: string;
  /** Log file for influxd's own output (default: <dataDir>/influxd.log). */
  logFile?: string;
  startTimeoutMs?: number;
}

export async function startLocalInfluxd(opts: StartOptions = {}): Promise<LocalInfluxd> {
  const binary = opts.binary ?? resolveInfluxd();
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cryptocrawler-influxd-'));
  mkdirSync(dataDir, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  const logFile = opts.logFile ?? join(dataDir, 'influxd.log');
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const out = openSync(logFile, 'a');
    child = spawn(
      binary,
      [
        `--http-bind-address=127.0.0.1:${port}`,
        `--bolt-path=${join(dataDir, 'influxd.bolt')}`,
        `--engine-path=${join(dataDir, 'engine')}`,
        `--sqlite-path=${join(dataDir, 'influxd.sqlite')}`,
        '--reporting-disabled',
        '--log-level=warn',
      ],
      { stdio: ['ignore', out, out], detached: false },
    );
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) =>
        reject(new Error(`influxd exited during start (code ${code}); see ${logFile}`)),
      ),
    );
    exited.catch(() => undefined);
    const api = new InfluxApi(url);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (child!.exitCode !== null) await exited;
      if (await api.healthy()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    child!.kill('SIGKILL');
    throw new Error(
      `influxd did not become healthy on ${url} within ${opts.startTimeoutMs ?? 60_000} ms; see ${logFile}`,
    );
  };

  const halt = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };

  await launch();
  const handle: LocalInfluxd = {
    url,
    port,
    dataDir,
    get pid() {
      return child?.pid ?? -1;
    },
    stop: async ({ keepData = false } = {}) => {
      await halt();
      if (!keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    restart: async () => {
      await halt();
      await launch();
    },
    pause: halt,
    resume: launch,
  };
  return handle;
}
