// Loads testdata/config.yaml with the simulate schema, optionally overriding the simulate section.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig, type Config } from '../../../../src/core/config/load.ts';
import { simulateConfigSchema } from '../config.ts';

export const TEST_CONFIG_FILE = fileURLToPath(new URL('./config.yaml', import.meta.url));

export function testConfig(simulate: Record<string, unknown> = {}): Config {
  const cfg = parseConfig(
    readFileSync(TEST_CONFIG_FILE, 'utf8'),
    { simulate: simulateConfigSchema },
    TEST_CONFIG_FILE,
  );
  cfg.sources.simulate = simulateConfigSchema.parse({ ...cfg.sources.simulate, ...simulate });
  return cfg;
}
