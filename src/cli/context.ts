// Shared by the subcommands: where the config is and how to load it with every source's schema.
import type { Command } from 'commander';
import { SOURCE_SCHEMAS } from '../../collectors/all.ts';
import { configPathFromEnv, loadConfigFile, type Config } from '../core/config/load.ts';

export function configFile(cmd: Command): string {
  return configPathFromEnv(cmd.optsWithGlobals().config as string | undefined);
}

export function loadConfig(cmd: Command): Config {
  return loadConfigFile(configFile(cmd), SOURCE_SCHEMAS);
}
