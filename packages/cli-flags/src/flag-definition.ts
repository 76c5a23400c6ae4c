/** One row of a command's flag table: parsing, defaults and `--help` are all generated from it. */
export interface FlagDefinition {
  /** Without the leading `--`, e.g. `inference-addr`. */
  name: string;
  /** Placeholder in `--help`, e.g. `host:port`; a flag without one is a boolean switch. */
  valueName?: string;
  description: string;
  /** Used when the flag (and its `env`) is absent, and shown in `--help`. */
  default?: string;
  /** Shown in `--help` when the default is computed at run time rather than fixed. */
  defaultDescription?: string;
  /** May be given several times; its value is then a list. */
  repeatable?: boolean;
  required?: boolean;
  /** An environment variable read when the flag is absent. */
  env?: string;
  /** For a repeatable flag: the environment variable holds several values split by this, e.g. `,`. */
  envSeparator?: string;
  /** A one-letter alias, e.g. `h` for `--help`. */
  short?: string;
}

/** The flags every `paddler` command shares, defined once. */
export const logLevelFlag: FlagDefinition = {
  name: "log-level",
  valueName: "level",
  default: "info",
  env: "PADDLER_LOG_LEVEL",
  description: "debug, info, warn or error",
};

export const logFormatFlag: FlagDefinition = {
  name: "log-format",
  valueName: "format",
  default: "auto",
  env: "PADDLER_LOG_FORMAT",
  description: "auto (readable lines on a terminal, JSON lines otherwise), json or pretty",
};

export const helpFlag: FlagDefinition = { name: "help", short: "h", description: "Print this help and exit" };
