import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readSecret, requireSecret } from '../../core/secrets.ts';
import {
  TOKEN_ROLES,
  parseTokensEnvFile,
  setupInflux,
  setupOptionsFromConfig,
  tokensEnvFile,
} from '../../influx/setup.ts';
import { loadConfig } from '../context.ts';

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .summary('prepare any InfluxDB 2.x: org, buckets, least-privilege tokens (idempotent)')
    .description(
      'prepare an InfluxDB 2.x idempotently: onboard it if new, create the org and buckets with their\n' +
        'retention, and least-privilege tokens (collector: write-only; analytics: read + write results;\n' +
        'grafana: read-only). Needs INFLUX_ADMIN_TOKEN; onboarding a fresh server also INFLUX_ADMIN_PASSWORD.',
    )
    .option('--url <url>', 'InfluxDB URL (default: influx.url from the config)')
    .option(
      '--tokens-file <file>',
      'write the tokens there as an env file (mode 0600); otherwise print them once',
    )
    .option(
      '--tokens-dir <dir>',
      'also write one file per token (<role>.token) for services that read INFLUX_*_TOKEN_FILE (docker compose)',
    )
    .action(async (opts: { url?: string; tokensFile?: string; tokensDir?: string }, cmd: Command) => {
      const cfg = loadConfig(cmd);
      if (opts.url) cfg.influx.url = opts.url;
      const adminToken = requireSecret('INFLUX_ADMIN_TOKEN', 'setup');
      const password = readSecret('INFLUX_ADMIN_PASSWORD');
      const known =
        opts.tokensFile && existsSync(opts.tokensFile)
          ? parseTokensEnvFile(readFileSync(opts.tokensFile, 'utf8'))
          : {};
      if (opts.tokensDir)
        for (const role of TOKEN_ROLES) {
          const f = join(opts.tokensDir, `${role}.token`);
          if (existsSync(f)) known[role] ??= readFileSync(f, 'utf8').trim();
        }
      const result = await setupInflux(
        setupOptionsFromConfig(cfg, adminToken, {
          knownTokens: known,
          ...(password
            ? { onboarding: { username: process.env.INFLUX_ADMIN_USER ?? 'admin', password } }
            : {}),
          log: (l) => process.stderr.write(`${l}\n`),
        }),
      );
      process.stderr.write(
        result.changes.length
          ? `setup changed:\n${result.changes.map((c) => `  - ${c}`).join('\n')}\n`
          : 'setup: nothing to change\n',
      );
      const env = tokensEnvFile(result.tokens);
      if (opts.tokensDir) {
        mkdirSync(opts.tokensDir, { recursive: true });
        // Readable by the other containers' users (Grafana runs as uid 472); the volume itself is private.
        for (const role of TOKEN_ROLES)
          writeFileSync(join(opts.tokensDir, `${role}.token`), result.tokens[role], { mode: 0o644 });
        process.stderr.write(`token files written to ${opts.tokensDir}\n`);
      }
      if (opts.tokensFile) {
        writeFileSync(opts.tokensFile, env, { mode: 0o600 });
        process.stderr.write(`tokens written to ${opts.tokensFile}\n`);
      } else if (!opts.tokensDir && result.changes.some((c) => c.includes('token'))) {
        process.stdout.write(env);
      } else {
        process.stderr.write('tokens unchanged (use --tokens-file to write them to a file)\n');
      }
    });
}
