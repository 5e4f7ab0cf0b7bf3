import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';
import { REDACTED, clearSecrets, redact, registerSecret } from './redact.ts';
import { readSecret, requireSecret } from './secrets.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

afterEach(() => clearSecrets());

function capture(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  return { stream, text: () => out };
}

describe('secrets never reach logs or error messages', () => {
  it('redacts a registered secret wherever it appears in a log line', () => {
    const secret = 'planted-token-5f1c9a';
    const env = { INFLUX_TOKEN: secret };
    expect(readSecret('INFLUX_TOKEN', env)).toBe(secret);
    const c = capture();
    const log = createLogger('info', c.stream as never);
    log.error(
      { err: new Error(`HTTP 401 for Authorization: Token ${secret}`), url: `http://x/?t=${secret}` },
      `failed ${secret}`,
    );
    expect(c.text()).not.toContain(secret);
    expect(c.text()).toContain(REDACTED);
  });

  it('reads NAME_FILE secrets and registers them too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sec-'));
    writeFileSync(join(dir, 'tok'), 'file-secret-abcdef\n');
    expect(readSecret('X_BEARER_TOKEN', { X_BEARER_TOKEN_FILE: join(dir, 'tok') })).toBe(
      'file-secret-abcdef',
    );
    expect(redact('bearer file-secret-abcdef')).toBe(`bearer ${REDACTED}`);
  });

  it('a missing secret is a clear error that names the variable', () => {
    expect(() => requireSecret('INFLUX_TOKEN', 'collect', {})).toThrow(/INFLUX_TOKEN \(or INFLUX_TOKEN_FILE/);
    expect(() => readSecret('INFLUX_TOKEN', { INFLUX_TOKEN_FILE: '/nonexistent/x' })).toThrow(
      /INFLUX_TOKEN_FILE.*ENOENT/,
    );
  });

  it('ignores values too short to be secrets (no redaction of common words)', () => {
    registerSecret('abc');
    expect(redact('abc def')).toBe('abc def');
  });
});
