/**
 * Structured logs: one JSON object per line. Secrets registered with {@link Logger.redact} are
 * replaced wherever they appear in a message or a field, so a provider token, a coturn secret or
 * a minted credential cannot reach a log line even through an error message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Never print this value again. Values shorter than 4 characters are ignored. */
  redact(secret: string): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stderr by default. */
  write: (line: string) => void;
  /** Added to every line. */
  base: LogFields;
}

export const loggerDefaults: LoggerOptions = {
  level: 'info',
  write: (line) => process.stderr.write(line + '\n'),
  base: {},
};

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const REDACTED = '[redacted]';

export function createLogger(options: Partial<LoggerOptions> = {}): Logger {
  const { level, write, base } = { ...loggerDefaults, ...options };
  const secrets = new Set<string>();

  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    return out;
  };

  const log = (at: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVELS[at] < LEVELS[level]) return;
    const record = { time: new Date().toISOString(), level: at, msg: message, ...base, ...fields };
    write(scrub(JSON.stringify(record, errorReplacer)));
  };

  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    redact: (secret) => {
      if (secret.length >= 4) secrets.add(secret);
    },
  };
}

/** A logger that drops everything, for tests and embedders that log elsewhere. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  redact: () => {},
};

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
