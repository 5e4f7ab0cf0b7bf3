// The public reference data sets live in `shared/data/` beside the repository (see its README), never
// inside it. CRYPTOCRAWLER_SHARED_DATA points elsewhere when needed.
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
