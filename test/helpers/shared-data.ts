// The public reference data sets live in `shared/data/` beside the repository (see its README), never
// inside it. CRYPTOCRAWLER_SHARED_DATA points elsewhere when needed.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function sharedDataPath(relative: string): string {
  return resolve(
    process.env.CRYPTOCRAWLER_SHARED_DATA ?? resolve(REPO_ROOT, '..', 'shared', 'data'),
    relative,
  );
}

export const RAW_DATA_CSV = sharedDataPath('anomaly-reference/raw_data.csv');

/**
 * Whether the shared reference files are here. A fresh clone has no `../shared`: the tests that need
 * them are skipped, and this says so once per file, with the reason, on stderr.
 */
export function haveSharedData(...paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  process.stderr.write(
    `[skip] reference data absent: ${missing.join(', ')} (shared/data beside the repository, or ` +
      'CRYPTOCRAWLER_SHARED_DATA); the tests that need it are skipped\n',
  );
  return false;
}
