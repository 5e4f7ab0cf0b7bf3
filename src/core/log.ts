// Structured logs (pino, JSON lines on stderr). Each component gets a child logger bound to it.
// Every line passes through the value-based redactor before it is written.
import pino, { type DestinationStream, type Logger } from 'pino';
import { redact } from './redact.ts';

export type { Logger };

export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination: DestinationStream = pino.destination({ fd: 2, sync: true }),
): Logger {
  return pino(
    { level, base: { service: 'cryptocrawler' }, hooks: { streamWrite: (line: string) => redact(line) } },
    destination,
  );
}

/** A logger that writes nothing: for tests and code paths that accept an optional logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
