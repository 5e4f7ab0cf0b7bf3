import type { Command } from 'commander';
import { parseDurationSeconds } from '../../core/config/duration.ts';
import { readSecret } from '../../core/secrets.ts';
import { formatReport } from '../../report/format.ts';
import { readReport } from '../../report/queries.ts';
import { loadConfig } from '../context.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .summary('print a terminal report from any InfluxDB')
    .description(
      'Print per coin and topic: posts, sentiment split, price change, the latest rolling correlation per window,\n' +
        'the lead/lag, and the anomalies found. Reads rollups and analytics results with Flux.\n' +
        'Token: INFLUX_GRAFANA_TOKEN, INFLUX_ANALYTICS_TOKEN or INFLUX_TOKEN (read access is enough).',
    )
    .option('--since <duration>', 'how far back, e.g. 1h, 6h, 7d', '1h')
    .option('--influx-url <url>', 'override influx.url')
    .option('--json', 'print the data as JSON instead of text')
    .action(async (opts: { since: string; influxUrl?: string; json?: boolean }, cmd: Command) => {
      const cfg = loadConfig(cmd);
      const seconds = parseDurationSeconds(opts.since);
      if (seconds === undefined) throw new Error(`--since: "${opts.since}" is not a duration like 1h or 7d`);
      const token =
        readSecret('INFLUX_GRAFANA_TOKEN') ??
        readSecret('INFLUX_ANALYTICS_TOKEN') ??
        readSecret('INFLUX_TOKEN');
      if (!token)
        throw new Error('report needs a token with read access: INFLUX_GRAFANA_TOKEN or INFLUX_TOKEN');
      const data = await readReport(
        {
          url: opts.influxUrl ?? cfg.influx.url,
          token,
          org: cfg.influx.org,
          buckets: { main: cfg.influx.buckets.main.name, raw: cfg.influx.buckets.raw.name },
          rollupSeconds: cfg.rollup.intervalSeconds,
        },
        `-${seconds}s`,
        cfg.quotes[0],
      );
      process.stdout.write(opts.json ? `${JSON.stringify(data, null, 2)}\n` : formatReport(data));
    });
}
