// A config problem, reported with the key, the value found and what was expected, so one run of
// `cryptocrawler config check` lists every mistake at once.

export interface ConfigIssue {
  /** Dotted path of the key, e.g. "sources.x.keywords[2]". */
  key: string;
  /** The value found there, rendered short; "(missing)" when absent. */
  found: string;
  /** What is expected there. */
  expected: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  readonly file: string;
  constructor(file: string, issues: ConfigIssue[]) {
    super(`${file}: ${issues.length} configuration error(s):\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  return `  - ${i.key}: found ${i.found}; ${i.expected}`;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

export function renderValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
