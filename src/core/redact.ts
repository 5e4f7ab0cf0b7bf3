// Value-based redaction: path-based redaction (pino's `redact`) cannot catch a token that ends up
// inside an error message or a URL, so every registered secret value is replaced wherever it appears.

const secrets = new Set<string>();
const MIN_SECRET_LENGTH = 6;
export const REDACTED = '[REDACTED]';

export function registerSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
}
