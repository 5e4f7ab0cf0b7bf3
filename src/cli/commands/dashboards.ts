// `cryptocrawler dashboards render`: draws every generated dashboard from its real queries into one
// self-contained HTML page (grafana/render), against a running InfluxDB and, for the health
// dashboard, a running Prometheus. No Grafana and no browser needed.
import type { Command } from 'commander';
import { renderDashboards } from '../../../grafana/render/index.ts';
import { settingsFromConfig } from '../../../grafana/src/settings.ts';
import { parseDurationSeconds } from '../../core/config/duration.ts';
import { readSecret } from '../../core/secrets.ts';
import { loadConfig } from '../context.ts';

function collectVar(v: string, acc: Record<string, string>): Record<string, string> {
  const m = /^([A-Za-z_]\w*)=(.*)$/.exec(v);
  if (!m) throw new Error(`--var: expected name=value, got "${v}"`);
  return { ...acc, [m[1]!]: m[2]! };
}

export function registerDashboards(program: Command): void {
  const dashboards = program.command('dashboards').description('look at the generated Grafana dashboards');
  dashboards
    .command('render')
    .description(
      'Run every panel query (Flux with Grafana macros and variables, PromQL) and write DIR/dashboards.html:\n' +
        'each dashboard drawn panel by panel at its grid position. Token: INFLUX_GRAFANA_TOKEN or INFLUX_TOKEN.',
    )
    .requiredOption('--out <dir>', 'directory to write dashboards.html into')
    .option('--range <duration>', 'time range ending now, e.g. 6h, 24h, 7d', '6h')
    .option(
      '--prometheus <url>',
      'Prometheus base URL for the Collector health dashboard',
      process.env.PROMETHEUS_URL,
    )
    .option('--scrape-interval <seconds>', "that Prometheus' scrape interval", (v) => Number(v), 15)
    .option('--influx-url <url>', 'override influx.url')
    .option('--var <name=value>', 'a dashboard variable (repeatable), e.g. coin=ETH', collectVar, {})
    .action(
      async (
        opts: {
          out: string;
          range: string;
          prometheus?: string;
          scrapeInterval: number;
          influxUrl?: string;
          var: Record<string, string>;
        },
        cmd: Command,
      ) => {
        const cfg = loadConfig(cmd);
        const seconds = parseDurationSeconds(opts.range);
        if (seconds === undefined) throw new Error(`--range: "${opts.range}" is not a duration like 6h`);
        const token = readSecret('INFLUX_GRAFANA_TOKEN') ?? readSecret('INFLUX_TOKEN');
        if (!token)
          throw new Error('dashboards render needs a read token: INFLUX_GRAFANA_TOKEN or INFLUX_TOKEN');
        const r = await renderDashboards({
          settings: settingsFromConfig(cfg),
          influx: { url: opts.influxUrl ?? cfg.influx.url, token, org: cfg.influx.org },
          prometheusUrl: opts.prometheus,
          scrapeSeconds: opts.scrapeInterval,
          out: opts.out,
          rangeSeconds: seconds,
          vars: opts.var,
        });
        const panels = r.dashboards.reduce((a, d) => a + d.panels.length, 0);
        process.stderr.write(
          `${r.dashboards.length} dashboards, ${panels} panels in ${r.ms} ms; ${r.empty.length} without data${r.empty.length ? `:\n  ${r.empty.join('\n  ')}` : ''}\n`,
        );
        process.stdout.write(`${r.page}\n`);
        // The page is written either way; a query that failed (not one that found nothing) is an error.
        const failed = r.dashboards.flatMap((d) => d.panels.flatMap((p) => p.targets)).filter((t) => t.error);
        if (failed.length) process.exitCode = 1;
      },
    );
}
