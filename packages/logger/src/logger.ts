export const logLevels = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof logLevels)[number];

export type LogFields = Record<string, unknown>;

/** A structured logger that writes one JSON object per line. Injected everywhere; never a singleton. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry these fields (e.g. agentId, requestId). */
  child(fields: LogFields): Logger;
}

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** Where lines go; stderr by default so stdout stays free for a command's own output. */
  write?: (line: string) => void;
  fields?: LogFields;
  now?: () => Date;
}

export function createLogger({
  level = "info",
  write = (line) => process.stderr.write(line),
  fields = {},
  now = () => new Date(),
}: CreateLoggerOptions = {}): Logger {
  const threshold = logLevels.indexOf(level);
  const log = (lineLevel: LogLevel, message: string, extra?: LogFields) => {
    if (logLevels.indexOf(lineLevel) < threshold) return;
    const record = { time: now().toISOString(), level: lineLevel, msg: message, ...fields, ...extra };
    write(`${JSON.stringify(record, errorReplacer)}\n`);
  };
  return {
    debug: (message, extra) => log("debug", message, extra),
    info: (message, extra) => log("info", message, extra),
    warn: (message, extra) => log("warn", message, extra),
    error: (message, extra) => log("error", message, extra),
    child: (more) => createLogger({ level, write, now, fields: { ...fields, ...more } }),
  };
}

/** Errors serialize to `{}` by default; keep what helps an operator. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...("code" in value ? { code: value.code } : {}) };
  }
  return value;
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return createLogger({ write: () => {} });
}
