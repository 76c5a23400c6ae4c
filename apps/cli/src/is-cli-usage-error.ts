/**
 * The balancer and the agent each carry their own copy of `CliUsageError` (the apps share no code),
 * so the CLI recognises both by their code rather than by class.
 */
export function isCliUsageError(error: unknown): error is Error & { code: "CLI_USAGE" } {
  return error instanceof Error && "code" in error && error.code === "CLI_USAGE";
}
