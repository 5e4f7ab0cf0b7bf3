// The monthly call budget. CryptoCompare counts every request against a monthly quota; this counts
// the same (UTC calendar month), persists the count in the state dir so a restart keeps it, warns once
// at 80 % and refuses calls at 100 %. The file is re-read before each increment, so the collector and
// a `backfill` run on the same state dir add to one count.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../../src/core/state-file.ts';

export const BUDGET_WARN_RATIO = 0.8;

interface BudgetState {
  month: string;
  calls: number;
  warned: boolean;
}

export interface CallBudgetOptions {
  /** JSON file holding {month, calls, warned}; undefined keeps the count in memory only. */
  file?: string;
  monthlyCallLimit: number;
  now?: () => number;
  /** Called once per month when the count reaches BUDGET_WARN_RATIO of the limit. */
  onWarn?: (used: number, limit: number) => void;
}

export function monthKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export class CallBudget {
  private state: BudgetState;
  private readonly now: () => number;

  constructor(private readonly o: CallBudgetOptions) {
    this.now = o.now ?? Date.now;
    this.state = this.read();
  }

  used(): number {
    this.rollMonth();
    return this.state.calls;
  }

  limit(): number {
    return this.o.monthlyCallLimit;
  }

  exhausted(): boolean {
    return this.used() >= this.o.monthlyCallLimit;
  }

  /** Counts one call. */
  record(): void {
    this.state = this.read();
    this.rollMonth();
    this.state.calls += 1;
    if (!this.state.warned && this.state.calls >= this.o.monthlyCallLimit * BUDGET_WARN_RATIO) {
      this.state.warned = true;
      this.o.onWarn?.(this.state.calls, this.o.monthlyCallLimit);
    }
    this.write();
  }

  private rollMonth(): void {
    const m = monthKey(this.now());
    if (this.state.month !== m) this.state = { month: m, calls: 0, warned: false };
  }

  private read(): BudgetState {
    const fresh = { month: monthKey(this.now()), calls: 0, warned: false };
    if (!this.o.file) return this.state ?? fresh;
    try {
      const j = JSON.parse(readFileSync(this.o.file, 'utf8')) as Partial<BudgetState>;
      if (
        typeof j.month === 'string' &&
        typeof j.calls === 'number' &&
        Number.isInteger(j.calls) &&
        j.calls >= 0
      )
        return { month: j.month, calls: j.calls, warned: j.warned === true };
    } catch {
      // Missing or unreadable: start counting from zero (a corrupt file must not stop prices).
    }
    return fresh;
  }

  private write(): void {
    if (!this.o.file) return;
    try {
      writeFileAtomic(this.o.file, JSON.stringify(this.state));
    } catch {
      // The in-memory count still holds for this run.
    }
  }
}
