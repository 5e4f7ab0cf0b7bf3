// `cryptocrawler analyze`: the analytics jobs against InfluxDB. `--from/--to` runs any range once
// (a backfill) with progress on stderr; `--follow` runs the schedule until SIGTERM/SIGINT.
import { InfluxDB } from '@influxdata/influxdb-client';
import type { Command } from 'commander';
import {
  inProcessEsd,
  jobOptionsFromConfig,
  runAnalyticsRange,
  WorkerEsdRunner,
} from '../../../analytics/jobs/index.ts';
import { startAnalyticsService } from '../../../analytics/service/index.ts';
import { parseDurationSeconds } from '../../core/config/duration.ts';
import { createLogger } from '../../core/log.ts';
import { createServiceRegistry } from '../../core/metrics/registry.ts';
import { readSecret } from '../../core/secrets.ts';
import { InfluxWriter } from '../../core/write/writer.ts';
import { memberLabel, parseMember } from '../../core/config/member.ts';
import { loadConfig } from '../context.ts';

/** "now", "-7d" (relative to now) or an ISO time -> epoch ms. */
export function parseTimeArg(text: string, nowMs: number, name: string): number {
  const t = text.trim();
  if (t === 'now') return nowMs;
  if (t.startsWith('-')) {
    const s = parseDurationSeconds(t.slice(1));
    if (s !== undefined) return nowMs - s * 1000;
  }
  const ms = Date.parse(t);
  if (!Number.isFinite(ms))
    throw new Error(`${name}: "${text}" is neither "now", a duration back like "-7d", nor an ISO time`);
  return ms;
}

export function analyticsToken(): string {
  const token = readSecret('INFLUX_ANALYTICS_TOKEN') ?? readSecret('INFLUX_TOKEN');
  if (!token)
    throw new Error('analyze needs INFLUX_TOKEN or INFLUX_ANALYTICS_TOKEN (or NAME_FILE) in the environment');
  return token;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .summary('correlation, lag, Granger and anomalies from InfluxDB, once or --follow')
    .description(
      'compute rolling correlation, lag, Granger and anomalies from InfluxDB and write them back.\n' +
        'With --from/--to: one run over that range (a backfill), progress on stderr. With --follow: every\n' +
        'analytics.intervalSeconds until SIGTERM/SIGINT, serving /metrics on services.analytics.\n' +
        'Needs INFLUX_TOKEN (or INFLUX_ANALYTICS_TOKEN) with read and write on the main bucket.',
    )
    .option('--from <time>', 'range start: ISO time or a duration back such as -7d', '-1d')
    .option('--to <time>', 'range end: ISO time or now', 'now')
    .option(
      '--step <duration>',
      'backfill: evaluate correlation and lag every this long inside the range',
      '1h',
    )
    .option('--follow', 'run on the schedule until stopped')
    .option('--url <url>', 'InfluxDB URL (default: influx.url from the config)')
    .option('--partition <k/N>', 'override analytics.partition: evaluate share k of N instances')
    .action(
      async (
        opts: { from: string; to: string; step: string; follow?: boolean; url?: string; partition?: string },
        cmd: Command,
      ) => {
        const config = loadConfig(cmd);
        if (opts.url) config.influx.url = opts.url;
        if (opts.partition !== undefined) {
          const p = parseMember(opts.partition);
          if ('error' in p) throw new Error(`--partition: ${p.error}`);
          config.analytics.partition = memberLabel(p);
        }
        const token = analyticsToken();
        const log = createLogger(config.log.level);
        if (opts.follow) {
          const service = await startAnalyticsService({ config, token, log });
          process.stderr.write(
            `analytics: running every ${config.analytics.intervalSeconds} s; metrics at ${service.health?.url}/metrics\n`,
          );
          await new Promise<void>((resolve) => {
            const stop = (): void => {
              process.off('SIGTERM', stop);
              process.off('SIGINT', stop);
              resolve();
            };
            process.on('SIGTERM', stop);
            process.on('SIGINT', stop);
          });
          process.stderr.write('analytics: stopping (finishing the current run)\n');
          await service.stop(config.analytics.runTimeoutSeconds * 1000);
          return;
        }

        const nowMs = Date.now();
        const fromMs = parseTimeArg(opts.from, nowMs, '--from');
        const toMs = parseTimeArg(opts.to, nowMs, '--to');
        if (!(fromMs <= toMs)) throw new Error(`--from (${opts.from}) must not be after --to (${opts.to})`);
        const stepSeconds = parseDurationSeconds(opts.step);
        if (stepSeconds === undefined)
          throw new Error(`--step: "${opts.step}" is not a duration like "15m" or "1h"`);
        const options = jobOptionsFromConfig(config);
        const metrics = createServiceRegistry('analytics', { defaultMetrics: false });
        const writer = new InfluxWriter({
          url: config.influx.url,
          token,
          org: config.influx.org,
          buckets: { main: config.influx.buckets.main.name, raw: config.influx.buckets.raw.name },
          ...config.influx.write,
          metrics,
          log,
        });
        const queryApi = new InfluxDB({ url: config.influx.url, token, timeout: 300_000 }).getQueryApi(
          config.influx.org,
        );
        const esd = process.env.CRYPTOCRAWLER_ESD_INLINE === '1' ? inProcessEsd : new WorkerEsdRunner();
        const abort = new AbortController();
        const onSignal = (): void => abort.abort(new Error('interrupted'));
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const summary = await runAnalyticsRange({
            options,
            queryApi,
            writer,
            esd,
            fromMs,
            toMs,
            stepSeconds,
            signal: abort.signal,
            onProgress: (done, total, what) => process.stderr.write(`[${done}/${total}] ${what}\n`),
          });
          process.stderr.write(`${JSON.stringify(summary)}\n`);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await esd.close();
          await writer.close();
        }
      },
    );
}
