// The README's demo, short: the real command, its own influxd, the simulate source, the news wire and
// the analytics, a report with non-zero numbers in which the planted anomalies are found, and a
// dashboards page without an empty panel (test/soak/demo-dashboards.test.ts opens it in Chromium).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, ['bin/cryptocrawler.js', 'demo', '--duration', '0'], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run demo (short)', () => {
  it('runs the whole pipeline and reports posts, prices, correlation, lag and the planted anomalies', async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/InfluxDB 2\.7 running at http:\/\/127\.0\.0\.1:\d+/);
    expect(stderr).toMatch(/analytics: done/);
    const posts = [...stdout.matchAll(/^ {2}(bitcoin|ethereum|iota)\s+(\d+)/gm)].map((m) => Number(m[2]));
    expect(posts).toHaveLength(3);
    for (const n of posts) expect(n).toBeGreaterThan(10_000);
    expect(stdout).toMatch(/BTC\/USD\s+[\d.]+\s+->\s+[\d.]+/);
    expect(stdout).toMatch(/^CryptoCrawler report: the last \d+ d \d+ h \d+ min \(/m);
    // One correlation table per coin: r with its interval per window, then the lag; the planted
    // 7-minute lead of post volume over price, significant (no "n.s.").
    expect(stdout).toMatch(/^ {2}BTC\n\s+topic\s+signal\s+1h\s+6h\s+24h\s+lag$/m);
    expect(stdout).toMatch(
      /^\s+bitcoin\s+volume\s+(-?\d\.\d\d \[-?\d\.\d\d, -?\d\.\d\d\]\s+){3}7 min \(r 0\.\d\d\)$/m,
    );
    const planted = /Planted anomalies found: (\d+) of (\d+) \(recall ([\d.]+)\), precision ([\d.]+)/.exec(
      stdout,
    );
    expect(planted, stdout).not.toBeNull();
    expect(Number(planted![2])).toBeGreaterThan(20);
    expect(Number(planted![3])).toBeGreaterThanOrEqual(0.9);
    expect(Number(planted![4])).toBeGreaterThanOrEqual(0.8);
    // The dashboards page: every panel's query returned data (news from the local RSS wire, the
    // health counters exported at 0, the analytics durations scraped after the run).
    expect(stderr).toMatch(/news: a local RSS wire at http:\/\/127\.0\.0\.1:\d+\/news\.xml/);
    expect(stdout).toMatch(/^Dashboards \(\d+ panels, 0 without data\), open in a browser:$/m);
  }, 240_000);
});
