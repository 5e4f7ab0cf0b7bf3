import type { Command } from 'commander';
import { parseDurationSeconds } from '../../core/config/duration.ts';
import { readSecret } from '../../core/secrets.ts';
import { trendJson, trendsOfFile } from '../../../collectors/social/trends/file.ts';
import { intervalTag } from '../../../collectors/social/trends/lines.ts';
import { readTrends } from '../../../collectors/social/trends/read.ts';
import { loadConfig } from '../context.ts';

interface TrendsOpts {
  file?: string;
  since?: string;
  interval: string;
  baseline?: string;
  top?: string;
  topic?: string;
  format: 'auto' | 'ndjson' | 'csv';
  influxUrl?: string;
}

function seconds(flag: string, v: string): number {
  const s = parseDurationSeconds(v);
  if (s === undefined || s <= 0) throw new Error(`${flag}: "${v}" is not a duration like 5m, 1h or 7d`);
  return s;
}

export function registerTrends(program: Command): void {
  program
    .command('trends')
    .summary('trending and emerging terms per topic, from a file or from InfluxDB')
    .description(
      'Print one JSON line per interval, topic and rank: {"interval_end", "topic", "rank", "term", "count",\n' +
        '"baseline_count", "score", "emerging"} (docs/trends.md).\n' +
        '  --file FILE   read posts in the replay formats (NDJSON or CSV), route them with the config, rank them\n' +
        '  --since 1h    read the `trend` points the collector wrote to InfluxDB\n' +
        'Token for --since: INFLUX_GRAFANA_TOKEN, INFLUX_ANALYTICS_TOKEN or INFLUX_TOKEN (read access is enough).',
    )
    .option('--file <file>', 'posts to rank (.csv is CSV, anything else NDJSON)')
    .option('--since <duration>', 'read back from InfluxDB, e.g. 1h or 7d')
    .option('--interval <duration>', 'interval ranked (file) or read (--since)', '1h')
    .option('--baseline <duration>', 'trailing baseline (file mode; default: config trends.baseline)')
    .option('--top <n>', 'terms per topic and interval (file mode; default: config trends.top)')
    .option('--topic <name>', 'only this topic (--since)')
    .option('--format <format>', 'file format: auto, ndjson or csv', 'auto')
    .option('--influx-url <url>', 'override influx.url (--since)')
    .action(async (opts: TrendsOpts, cmd: Command) => {
      if (!opts.file === !opts.since)
        throw new Error('trends needs exactly one of --file FILE or --since DURATION');
      const cfg = loadConfig(cmd);
      const intervalS = seconds('--interval', opts.interval);
      const out = process.stdout;
      if (opts.file) {
        const top = opts.top === undefined ? undefined : Number(opts.top);
        if (top !== undefined && !(Number.isInteger(top) && top >= 1 && top <= 1000))
          throw new Error(`--top: "${opts.top}" is not a whole number from 1 to 1000`);
        if (!['auto', 'ndjson', 'csv'].includes(opts.format))
          throw new Error(`--format: "${opts.format}" is not auto, ndjson or csv`);
        const summary = await trendsOfFile(
          {
            file: opts.file,
            format: opts.format,
            topics: cfg.topics,
            trends: cfg.trends,
            intervalMs: intervalS * 1000,
            ...(opts.baseline ? { baselineMs: seconds('--baseline', opts.baseline) * 1000 } : {}),
            ...(top !== undefined ? { top } : {}),
          },
          (rows) => {
            out.write(rows.map((r) => `${JSON.stringify(trendJson(r))}\n`).join(''));
          },
        );
        process.stderr.write(
          `trends: ${summary.records} records, ${summary.posts} posts on a topic, ${summary.dropped} unreadable, ${summary.late} too late\n`,
        );
        return;
      }
      const sinceS = seconds('--since', opts.since!);
      const token =
        readSecret('INFLUX_GRAFANA_TOKEN') ??
        readSecret('INFLUX_ANALYTICS_TOKEN') ??
        readSecret('INFLUX_TOKEN');
      if (!token)
        throw new Error(
          'trends --since needs a token with read access: INFLUX_GRAFANA_TOKEN or INFLUX_TOKEN',
        );
      const rows = await readTrends(
        {
          url: opts.influxUrl ?? cfg.influx.url,
          token,
          org: cfg.influx.org,
          bucket: cfg.influx.buckets.main.name,
        },
        sinceS,
        intervalTag(intervalS * 1000),
        opts.topic,
      );
      for (const r of rows) out.write(`${JSON.stringify(r)}\n`);
    });
}
