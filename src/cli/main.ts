// `cryptocrawler`: one command, one subcommand per job. Each subcommand lives in commands/<name>.ts
// and registers itself here with one line.
import { Command } from 'commander';
import { ConfigError } from '../core/config/errors.ts';
import { redact } from '../core/redact.ts';
import { exitQuietlyOnBrokenPipe } from './broken-pipe.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerAnomalies } from './commands/anomalies.ts';
import { registerBackfill } from './commands/backfill.ts';
import { registerCollect } from './commands/collect.ts';
import { registerConfig } from './commands/config.ts';
import { registerDemo } from './commands/demo.ts';
import { registerCorrelate } from './commands/correlate.ts';
import { registerDashboards } from './commands/dashboards.ts';
import { registerGrafana } from './commands/grafana.ts';
import { registerInfluxd } from './commands/influxd.ts';
import { registerReport } from './commands/report.ts';
import { registerSentiment } from './commands/sentiment.ts';
import { registerSetup } from './commands/setup.ts';
import { registerTrends } from './commands/trends.ts';

exitQuietlyOnBrokenPipe();

const program = new Command()
  .name('cryptocrawler')
  .description(
    'Collect what people say about crypto currencies and what the market does, store both in InfluxDB,\n' +
      'analyse how they move together, and show it in Grafana. Configure everything in config.yaml.',
  )
  .option('-c, --config <file>', 'configuration file (default: $CRYPTOCRAWLER_CONFIG or ./config.yaml)')
  .showHelpAfterError('(run with --help for usage)');

registerConfig(program);
registerCollect(program);
registerDemo(program);
registerSetup(program);
registerInfluxd(program);
registerSentiment(program);
registerReport(program);
registerGrafana(program);
registerDashboards(program);
registerAnalyze(program);
registerAnomalies(program);
registerCorrelate(program);
registerBackfill(program);
registerTrends(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`cryptocrawler: ${redact(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
}
