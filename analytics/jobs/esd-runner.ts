// Where S-H-ESD runs. It is the heavy part of a run (robust STL + generalized ESD over days of
// buckets), so the service runs it in a worker thread and keeps its event loop free for /metrics
// and the writer. The in-process runner gives the same results, for the CLI's one-shots and tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type AnomalyTask, type AnomalyTaskResult, runAnomalyTask } from './anomaly-task.ts';
import type { EsdRequest, EsdResponse } from './esd-worker.ts';

export interface EsdRunner {
  run(tasks: AnomalyTask[], signal?: AbortSignal): Promise<AnomalyTaskResult[]>;
  close(): Promise<void>;
}

export const inProcessEsd: EsdRunner = {
  run: (tasks, signal) => {
    const out: AnomalyTaskResult[] = [];
    for (const t of tasks) {
      signal?.throwIfAborted();
      out.push(runAnomalyTask(t));
    }
    return Promise.resolve(out);
  },
  close: () => Promise.resolve(),
};

/**
 * Source text of the worker bootstrap. The worker file is TypeScript, so the worker first registers
 * tsx's loader (a worker does not inherit the parent's loader hooks, and `execArgv: ['--import',
 * 'tsx']` does not reach a worker started from a .ts URL on Node 20).
 */
function bootstrap(): string {
  // The ESM build of tsx's API, found through tsx's own exports map (its CJS build cannot register
  // the ESM hooks from inside an eval worker).
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const tsxApi = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
  const entry = new URL('./esd-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

/** One long-lived worker; requests queue in order. Aborting a request terminates and replaces the worker. */
export class WorkerEsdRunner implements EsdRunner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (r: AnomalyTaskResult[]) => void; reject: (e: Error) => void }
  >();
  private closed = false;

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(bootstrap(), { eval: true, name: 'analytics-esd' });
    w.on('message', (msg: EsdResponse) => {
      const entry = this.waiting.get(msg.id);
      if (!entry) return;
      this.waiting.delete(msg.id);
      if ('error' in msg) entry.reject(new Error(`anomaly worker: ${msg.error}`));
      else entry.resolve(msg.results);
      // An idle worker must not keep the process alive; a busy one must.
      if (this.waiting.size === 0) w.unref();
    });
    const fail = (err: Error): void => {
      if (this.worker === w) this.worker = undefined;
      for (const [id, entry] of this.waiting) {
        this.waiting.delete(id);
        entry.reject(err);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`anomaly worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  run(tasks: AnomalyTask[], signal?: AbortSignal): Promise<AnomalyTaskResult[]> {
    if (this.closed) return Promise.reject(new Error('anomaly worker is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const worker = this.ensure();
    worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiting.delete(id);
        reject(signal?.reason as Error);
        // The only way to stop a computation in progress; the next run starts a fresh worker.
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      const request: EsdRequest = { id, tasks };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
