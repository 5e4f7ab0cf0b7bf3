import { describe, expect, it } from 'vitest';
import { ProgressBar, formatProgress } from './progress.ts';

describe('replay progress bar', () => {
  it('shows share, posts, rate and time left', () => {
    expect(formatProgress(300, 1000, 12_345, 10)).toBe(
      'replay [######--------------]  30%  12,345 posts  1,235/s  ETA 0:23',
    );
    expect(formatProgress(1000, 1000, 5, 4000)).toBe(
      'replay [####################] 100%  5 posts  0/s  ETA 0:00',
    );
  });

  it('draws on a terminal only, at most every 200 ms', () => {
    const written: string[] = [];
    let t = 0;
    const tty = new ProgressBar({ isTTY: true, write: (s) => written.push(s) > 0 }, 100, () => t);
    tty.update(10, 1);
    t = 50;
    tty.update(20, 2);
    t = 300;
    tty.update(30, 3);
    tty.done(100, 4);
    expect(written).toHaveLength(4);
    expect(written[0]).toMatch(/^\rreplay \[##-+\]\s+10%/);
    expect(written[3]).toBe('\n');

    const pipe: string[] = [];
    const bar = new ProgressBar({ isTTY: false, write: (s) => pipe.push(s) > 0 }, 100, () => t);
    bar.update(50, 5, true);
    bar.done(100, 6);
    expect(pipe).toEqual([]);
  });
});
