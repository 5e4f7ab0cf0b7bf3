// Shared by the subcommands: where the config is and how to load it with every source's schema.
import type { Command } from 'commander';
import { SOURCE_SCHEMAS } from '../../collectors/all.ts';
import { configPathFromEnv, loadConfigFile, type Config } from '../core/config/load.ts';

export function configFile(cmd: Command): string {
  return configPathFromEnv(cmd.optsWithGlobals().config as string | undefined);
}

/**
 * Loads and validates the config. Two deployment settings may come from the environment, because
 * they differ between a laptop and a container while the file stays the same:
 *   INFLUX_URL            overrides influx.url (compose: http://influxdb:8086)
 *   CRYPTOCRAWLER_LISTEN  overrides services.*.host for /metrics (compose: 0.0.0.0)
 */
export function loadConfig(cmd: Command, env: NodeJS.ProcessEnv = process.env): Config {
  const cfg = loadConfigFile(configFile(cmd), SOURCE_SCHEMAS);
  if (env.INFLUX_URL) cfg.influx.url = env.INFLUX_URL;
  if (env.CRYPTOCRAWLER_LISTEN) {
    cfg.services.collector.host = env.CRYPTOCRAWLER_LISTEN;
    cfg.services.analytics.host = env.CRYPTOCRAWLER_LISTEN;
  }
  return cfg;
}
