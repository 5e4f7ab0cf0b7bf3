// `cryptocrawler grafana generate|check`: dashboards, alert rules and provisioning are generated from
// grafana/src/*.ts; the committed files must equal the generated ones (check exits 1 on drift).
import type { Command } from 'commander';
import { findDrift, renderAll, writeAll } from '../../../grafana/src/generate.ts';
import { loadSettings } from '../../../grafana/src/settings.ts';
import { configFile } from '../context.ts';

export function registerGrafana(program: Command): void {
  const grafana = program
    .command('grafana')
    .description('Grafana dashboards, alert rules and provisioning as code');
  grafana
    .command('generate')
    .description(
      'write grafana/dashboards/*.json and grafana/provisioning/** from grafana/src (buckets, org from config)',
    )
    .option('--root <dir>', 'repository root to write into', '.')
    .action((opts: { root: string }, cmd: Command) => {
      const written = writeAll(opts.root, renderAll(loadSettings(configFile(cmd))));
      process.stdout.write(
        written.length ? `wrote ${written.join(', ')}\n` : 'all generated files are up to date\n',
      );
    });
  grafana
    .command('check')
    .description('exit 1 when a committed generated file differs from what grafana/src generates')
    .option('--root <dir>', 'repository root to compare', '.')
    .action((opts: { root: string }, cmd: Command) => {
      const drift = findDrift(opts.root, renderAll(loadSettings(configFile(cmd))));
      if (drift.length === 0) {
        process.stdout.write('generated Grafana files are up to date\n');
        return;
      }
      process.stderr.write(
        `out of date (run \`cryptocrawler grafana generate\` and commit):\n${drift.map((p) => `  ${p}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    });
}
