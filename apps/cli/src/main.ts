// The `paddler` command. The only place that reads process.argv/env, handles signals and exits.
import { CliUsageError } from "@paddler/cli-flags";
import { runCommand } from "./run-command.js";

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;
/** Longer than the default 30 s drain, so a graceful shutdown always gets its full grace period. */
const SHUTDOWN_WATCHDOG_MS = 45_000;

async function main(): Promise<void> {
  let outcome: Awaited<ReturnType<typeof runCommand>>;
  try {
    outcome = await runCommand({ argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`paddler: ${message}\n`);
    process.exitCode = error instanceof CliUsageError ? EXIT_USAGE : EXIT_FAILURE;
    return;
  }
  if (outcome.kind === "print") {
    process.stdout.write(outcome.text);
    return;
  }
  if (outcome.banner) {
    // On its own line, apart from the logs, so it is easy to find and to click.
    process.stdout.write(`\n${outcome.banner}\n\n`);
  }
  const { close } = outcome;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C means "now": skip the drain.
      process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    }
    stopping = true;
    // A shutdown that hangs (a stuck native dispose, a peer that never closes) must not keep the
    // process alive forever: past the drain budget, exit anyway and say so.
    setTimeout(() => {
      process.stderr.write(`paddler: shutdown did not finish in ${SHUTDOWN_WATCHDOG_MS / 1000} s; exiting\n`);
      process.exit(EXIT_FAILURE);
    }, SHUTDOWN_WATCHDOG_MS).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `paddler: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

await main();
