// Secrets come only from the environment or from secret files (NAME_FILE, as Docker secrets are
// mounted), never from config.yaml. Every secret read is registered with the redactor so that no
// log line or error message can carry it.
import { readFileSync } from 'node:fs';
import { registerSecret } from './redact.ts';

export const SECRET_NAMES = {
  influxToken: 'INFLUX_TOKEN',
  influxAdminToken: 'INFLUX_ADMIN_TOKEN',
  xBearerToken: 'X_BEARER_TOKEN',
  cryptoCompareApiKey: 'CRYPTOCOMPARE_API_KEY',
} as const;

/** Reads NAME, or the file named by NAME_FILE. Returns undefined when neither is set. */
export function readSecret(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const direct = env[name];
  let value: string | undefined;
  if (direct !== undefined && direct !== '') value = direct;
  else {
    const file = env[`${name}_FILE`];
    if (file) {
      try {
        value = readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new Error(
          `secret ${name}_FILE=${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? err}`,
        );
      }
    }
  }
  if (value) registerSecret(value);
  return value;
}

export function requireSecret(name: string, why: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = readSecret(name, env);
  if (!v)
    throw new Error(
      `${why} needs ${name} (or ${name}_FILE pointing at a file holding it) in the environment`,
    );
  return v;
}
