/**
 * A real logger writing into an array, so tests can read every line the server would print.
 */
import { createLogger, type Logger } from '../../src/observability/logger.js';

export interface CapturedLogger {
  logger: Logger;
  lines: string[];
  /** Every line as one string, to search for leaked secrets. */
  text(): string;
}

export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  return {
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    lines,
    text: () => lines.join('\n'),
  };
}
