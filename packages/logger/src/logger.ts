import { prettyFactory } from "pino-pretty";

export const logLevels = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof logLevels)[number];

/** `json`: one JSON object per line (machines, files); `pretty`: readable lines for a terminal. */
export const logFormats = ["json", "pretty"] as const;
export type LogFormat = (typeof logFormats)[number];

export type LogFields = Record<string, unknown>;

/** A structured logger that writes one JSON object per line. Injected everywhere; never a singleton. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry these fields (e.g. agentId, requestId). */
  child(fields: LogFields): Logger;
  /** Whether a line at this level would be written (to skip building costly fields). */
  isLevelEnabled?(level: LogLevel): boolean;
}

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** JSON lines by default; `pretty` renders each line with pino-pretty. */
  format?: LogFormat;
  /** Colours in `pretty` format (a terminal that shows them). */
  colorize?: boolean;
  /** Where lines go; stderr by default so stdout stays free for a command's own output. */
  write?: (line: string) => void;
  fields?: LogFields;
  now?: () => Date;
  /** Called for every record before it is written, to add fields such as the active trace id. */
  enrich?: () => LogFields | undefined;
}

export function createLogger({
  level = "info",
  format = "json",
  colorize = false,
  write = (line) => process.stderr.write(line),
  fields = {},
  now = () => new Date(),
  enrich,
}: CreateLoggerOptions = {}): Logger {
  const threshold = logLevels.indexOf(level);
  const render = format === "pretty" ? prettyRenderer(colorize) : (line: string) => line;
  return loggerWith({ threshold, render, write, now, enrich }, fields);
}

/** What a logger and all its children share, built once (a child per request must stay cheap). */
interface LoggerCore {
  threshold: number;
  render: (line: string) => string;
  write: (line: string) => void;
  now: () => Date;
  enrich: (() => LogFields | undefined) | undefined;
}

function loggerWith(core: LoggerCore, fields: LogFields): Logger {
  const log = (lineLevel: LogLevel, message: string, extra?: LogFields) => {
    if (logLevels.indexOf(lineLevel) < core.threshold) return;
    const record = {
      time: core.now().toISOString(),
      level: lineLevel,
      msg: message,
      ...fields,
      ...core.enrich?.(),
      ...extra,
    };
    core.write(core.render(`${JSON.stringify(record, errorReplacer)}\n`));
  };
  return {
    debug: (message, extra) => log("debug", message, extra),
    info: (message, extra) => log("info", message, extra),
    warn: (message, extra) => log("warn", message, extra),
    error: (message, extra) => log("error", message, extra),
    child: (more) => loggerWith(core, { ...fields, ...more }),
    isLevelEnabled: (lineLevel) => logLevels.indexOf(lineLevel) >= core.threshold,
  };
}

/** pino-pretty reads our JSON lines as it reads pino's (string levels included). */
function prettyRenderer(colorize: boolean): (line: string) => string {
  const prettify = prettyFactory({
    colorize,
    singleLine: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname",
  });
  return (line) => prettify(line);
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
