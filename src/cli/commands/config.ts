import type { Command } from 'commander';
import { SOURCE_SCHEMAS } from '../../../collectors/all.ts';
import { ConfigError } from '../../core/config/errors.ts';
import { configPathFromEnv, loadConfigFile } from '../../core/config/load.ts';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('work with config.yaml');
  config
    .command('check [file]')
    .description(
      'validate a config file against the schema; lists every error (key, value found, expected) at once',
    )
    .action((file: string | undefined, _opts, cmd: Command) => {
      const path = file ?? configPathFromEnv(cmd.optsWithGlobals().config as string | undefined);
      try {
        const cfg = loadConfigFile(path, SOURCE_SCHEMAS);
        const enabled = Object.entries(cfg.sources)
          .filter(([, s]) => s.enabled)
          .map(([n]) => n);
        process.stdout.write(
          `${path}: OK (${cfg.topics.length} topics, ${cfg.coins.length} coins, sources enabled: ${enabled.join(', ') || 'none'})\n`,
        );
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
