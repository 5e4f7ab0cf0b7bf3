import { describe, expect, it } from 'vitest';
import { PeriodicRunner, RunTimeoutError } from './periodic.ts';

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
  );
}

describe('PeriodicRunner', () => {
  it('skips a tick while a run is in progress and counts it', async () => {
    let runs = 0;
    let skips = 0;
    let release: () => void = () => undefined;
    const p = new PeriodicRunner({
      intervalMs: 60_000,
      timeoutMs: 5_000,
      runAtStart: false,
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      onSkip: () => skips++,
      onError: () => undefined,
    });
    p.start();
    const first = p.tick();
    const second = p.tick();
    expect(p.busy()).toBe(true);
    release();
    await Promise.all([first, second]);
    expect([runs, skips]).toEqual([1, 1]);
    await p.stop();
  });

  it('aborts a run at its timeout and reports it to the one error handler', async () => {
    const errors: string[] = [];
    const p = new PeriodicRunner({
      intervalMs: 60_000,
      timeoutMs: 50,
      runAtStart: false,
      run: untilAborted,
      onError: (err, kind) => errors.push(`${kind}:${err instanceof RunTimeoutError}`),
    });
    p.start();
    await p.tick();
    expect(errors).toEqual(['timeout:true']);
    await p.stop();
  });

  it('stop() aborts a run that does not finish within the grace time', async () => {
    const kinds: string[] = [];
    const p = new PeriodicRunner({
      intervalMs: 60_000,
      timeoutMs: 60_000,
      runAtStart: true,
      run: untilAborted,
      onError: (_err, kind) => kinds.push(kind),
    });
    p.start();
    await p.stop(20);
    expect(kinds).toEqual(['aborted']);
    expect(p.busy()).toBe(false);
  });
});
