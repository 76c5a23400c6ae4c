/** A usage mistake found by the CLI itself (unknown command, stray argument). Exits 2, like flag errors. */
export class CliUsageFailure extends Error {
  override readonly name = "CliUsageFailure";
  readonly code = "CLI_USAGE";
}
