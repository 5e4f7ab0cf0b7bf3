// A child process for test/streaming-restart.test.ts: the analytics service (streaming job only) on a
// fast simulated clock, so a parent can SIGKILL it mid-stream and start it again. Run with
// `node --import tsx test/helpers/streaming-child.ts`; settings from the environment:
//   CONFIG_FILE, STATE_DIR, INFLUX_TOKEN, CLOCK_START_MS (simulated time at start),
//   SPEED (simulated ms per real ms), END_MS (exit 0 once every bucket before it is fed).
// Prints `clock <ms> next <ms> restored <0|1>` after every streaming run that fed buckets or restored.
import { readFileSync } from 'node:fs';
import { startAnalyticsService } from '../../analytics/service/index.ts';
import { SOURCE_SCHEMAS } from '../../collectors/all.ts';
import { parseConfig } from '../../src/core/config/load.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`streaming-child: ${name} is not set`);
  return v;
};

const config = parseConfig(readFileSync(env('CONFIG_FILE'), 'utf8'), SOURCE_SCHEMAS);
const clockStart = Number(env('CLOCK_START_MS'));
const speed = Number(env('SPEED'));
const endMs = Number(env('END_MS'));
// The clock starts on its first reading (the first streaming run), so the warm-up (or the restored
// state) starts exactly at CLOCK_START_MS however long the process took to start.
let t0: number | undefined;
const now = (): number => {
  t0 ??= Date.now();
  return Math.min(clockStart + (Date.now() - t0) * speed, endMs + 60_000);
};

const service = await startAnalyticsService({
  config,
  token: env('INFLUX_TOKEN'),
  serveHealth: false,
  scheduled: false,
  stateDir: env('STATE_DIR'),
  now,
  onStream: (s) => {
    process.stdout.write(`clock ${now()} next ${s.nextBucketMs} restored ${s.restored ? 1 : 0}\n`);
    if (s.nextBucketMs >= endMs) {
      void service.stop().then(() => process.exit(0));
    }
  },
});
