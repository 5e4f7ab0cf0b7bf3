import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CallBudget, monthKey } from './budget.ts';

describe('monthly call budget', () => {
  it('persists the count, warns once at 80 %, is exhausted at 100 % and resets next month', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cc-budget-')), 'b.json');
    let now = Date.parse('2025-01-31T23:00:00Z');
    const warnings: number[] = [];
    const b = new CallBudget({ file, monthlyCallLimit: 10, now: () => now, onWarn: (u) => warnings.push(u) });
    for (let i = 0; i < 9; i++) b.record();
    expect(warnings).toEqual([8]);
    expect(b.exhausted()).toBe(false);
    // A restart (a new instance on the same file) keeps the count and the warning.
    const b2 = new CallBudget({
      file,
      monthlyCallLimit: 10,
      now: () => now,
      onWarn: (u) => warnings.push(u),
    });
    expect(b2.used()).toBe(9);
    b2.record();
    expect(b2.exhausted()).toBe(true);
    expect(warnings).toEqual([8]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ month: '2025-01', calls: 10, warned: true });
    now = Date.parse('2025-02-01T00:00:01Z');
    expect(b2.used()).toBe(0);
    expect(b2.exhausted()).toBe(false);
    expect(monthKey(now)).toBe('2025-02');
  });
});
