import { describe, expect, it } from 'vitest';
import { DEFAULT_X_RECONNECT_TIMING, XReconnectPolicy, backoffMs, scaleTiming } from './reconnect.ts';

describe('X reconnect policy', () => {
  it('defaults are the published numbers', () => {
    expect(DEFAULT_X_RECONNECT_TIMING).toEqual({
      stallTimeoutMs: 20_000,
      networkStartMs: 250,
      networkStepMs: 250,
      networkMaxMs: 16_000,
      httpStartMs: 5_000,
      httpMaxMs: 320_000,
      rateLimitStartMs: 60_000,
      rateLimitMaxMs: 900_000,
      maxAttempts: 50,
      attemptWindowMs: 900_000,
      healthyAfterMs: 30_000,
      healthyAfterItems: 10,
    });
  });

  it('network errors and stalls back off linearly from 250 ms by 250 ms up to 16 s', () => {
    const seq = Array.from({ length: 70 }, (_, i) => backoffMs('network', i + 1));
    expect(seq.slice(0, 4)).toEqual([250, 500, 750, 1000]);
    expect(seq[63]).toBe(16_000);
    expect(seq[64]).toBe(16_000);
    expect(Math.max(...seq)).toBe(16_000);
    expect(backoffMs('stall', 3)).toBe(750);
  });

  it('HTTP errors back off exponentially from 5 s, doubling, up to 320 s', () => {
    expect(Array.from({ length: 9 }, (_, i) => backoffMs('http', i + 1))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000, 320_000,
    ]);
  });

  it('429 backs off exponentially from 60 s, doubling', () => {
    expect(Array.from({ length: 6 }, (_, i) => backoffMs('rate_limit', i + 1))).toEqual([
      60_000, 120_000, 240_000, 480_000, 900_000, 900_000,
    ]);
  });

  it('honours x-rate-limit-reset when it is later than the backoff, and ignores it when earlier', () => {
    const p = new XReconnectPolicy();
    expect(p.failed('rate_limit', 1_000_000, 1_000_000 + 200_000)).toBe(200_000);
    expect(p.waitMs(1_000_000)).toBe(200_000);
    const q = new XReconnectPolicy();
    expect(q.failed('rate_limit', 1_000_000, 1_000_000 + 5_000)).toBe(60_000);
  });

  it('keeps one schedule per failure kind and resets them all once healthy', () => {
    const p = new XReconnectPolicy();
    expect(p.failed('network', 0)).toBe(250);
    expect(p.failed('stall', 0)).toBe(500);
    expect(p.failed('http', 0)).toBe(5_000);
    expect(p.failed('network', 0)).toBe(750);
    expect(p.failed('http', 0)).toBe(10_000);
    p.healthy();
    expect(p.failed('network', 0)).toBe(250);
    expect(p.failed('http', 0)).toBe(5_000);
  });

  it('counts a connection healthy after 30 s up or 10 posts', () => {
    const p = new XReconnectPolicy();
    expect(p.isHealthy(29_999, 9)).toBe(false);
    expect(p.isHealthy(30_000, 0)).toBe(true);
    expect(p.isHealthy(10, 10)).toBe(true);
  });

  it('never allows more than 50 attempts in any 15-minute window', () => {
    const p = new XReconnectPolicy();
    let now = 0;
    const attempts: number[] = [];
    // A server that fails every attempt with a network error, for one simulated hour.
    while (now < 3_600_000) {
      now += p.waitMs(now);
      p.attempt(now);
      attempts.push(now);
      p.failed('network', now);
      if (attempts.length > 1000) break;
    }
    for (const a of attempts) {
      const inWindow = attempts.filter((b) => b > a - 900_000 && b <= a).length;
      expect(inWindow).toBeLessThanOrEqual(50);
    }
    // The cap, not the backoff, is what limits it: 50 attempts per window, never fewer.
    expect(attempts.filter((a) => a < 900_000)).toHaveLength(50);
    expect(attempts.length).toBeGreaterThanOrEqual(200);
  });

  it('waits until the oldest attempt leaves the window', () => {
    const p = new XReconnectPolicy({ maxAttempts: 3, attemptWindowMs: 1000 });
    p.attempt(0);
    p.attempt(100);
    p.attempt(200);
    expect(p.waitMs(300)).toBe(700);
    expect(p.waitMs(1000)).toBe(0);
    expect(p.attemptsInWindow(1000)).toBe(2);
  });

  it('scales every duration and keeps the counts', () => {
    const s = scaleTiming(DEFAULT_X_RECONNECT_TIMING, 0.01);
    expect(s).toMatchObject({
      stallTimeoutMs: 200,
      networkStartMs: 3,
      httpStartMs: 50,
      rateLimitStartMs: 600,
    });
    expect(s.maxAttempts).toBe(50);
    expect(s.attemptWindowMs).toBe(9_000);
  });
});
