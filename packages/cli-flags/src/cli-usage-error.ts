/**
 * The command line asks for something we cannot run. The CLI prints `message` and exits 2;
 * `flag` is the offending flag (e.g. `--slots`) or environment variable, when there is one.
 */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
  readonly code = "CLI_USAGE";
  readonly flag: string | null;

  constructor(message: string, options: { flag?: string | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.flag = options.flag ?? null;
  }
}
