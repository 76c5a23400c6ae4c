import type { FieldProblem } from "@paddler/protocol";

export type StateDatabaseErrorCode =
  | "INVALID_URL"
  | "UNSUPPORTED_SCHEME"
  | "INVALID_FILE"
  | "INVALID_STATE"
  | "IO_FAILED"
  | "UNKNOWN_MODEL_POOL"
  | "DEFAULT_POOL_REQUIRED"
  | "UNAVAILABLE"
  | "INCOMPATIBLE_SCHEMA"
  | "CLOSED";

/** Every failure of a state database carries a code, so callers branch on it rather than on messages. */
export class StateDatabaseError extends Error {
  override readonly name: string = "StateDatabaseError";
  readonly code: StateDatabaseErrorCode;

  constructor(code: StateDatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** `--state-database` names no driver we have, or a `file://` URL whose path is empty or relative. */
export class StateDatabaseUrlError extends StateDatabaseError {
  override readonly name = "StateDatabaseUrlError";
  readonly url: string;

  constructor(options: { code: "INVALID_URL" | "UNSUPPORTED_SCHEME"; url: string; reason: string }) {
    super(options.code, `Invalid state database URL '${options.url}': ${options.reason}`);
    this.url = options.url;
  }
}

/**
 * The state file exists but does not parse or validate. Start-up stops here and the file is left
 * exactly as it was, so an operator's data is never replaced by defaults.
 */
export class StateDatabaseFileError extends StateDatabaseError {
  override readonly name = "StateDatabaseFileError";
  readonly path: string;
  readonly problems: readonly FieldProblem[];

  constructor(options: { path: string; problems: readonly FieldProblem[]; cause?: unknown }) {
    const details = options.problems
      .map((problem) => (problem.field ? `${problem.field}: ${problem.reason}` : problem.reason))
      .join("; ");
    super(
      "INVALID_FILE",
      `State database file ${options.path} is not compatible with this version of Paddler (${details}); the file was left untouched`,
      { cause: options.cause },
    );
    this.path = options.path;
    this.problems = options.problems;
  }
}
