import type { FlagDefinition } from "./flag-definition.js";

function flagColumn(flag: FlagDefinition): string {
  const short = flag.short ? `-${flag.short}, ` : "";
  const value = flag.valueName ? ` <${flag.valueName}>` : "";
  return `${short}--${flag.name}${value}`;
}

function notes(flag: FlagDefinition): string {
  const parts: string[] = [];
  if (flag.required) {
    parts.push("required");
  }
  if (flag.default !== undefined) {
    parts.push(`default: ${flag.default === "" ? '""' : flag.default}`);
  } else if (flag.defaultDescription !== undefined) {
    parts.push(`default: ${flag.defaultDescription}`);
  } else if (flag.valueName && !flag.required && !flag.repeatable) {
    parts.push("default: unset");
  }
  if (flag.repeatable) {
    parts.push("repeatable");
  }
  if (flag.env) {
    parts.push(flag.envSeparator ? `env: ${flag.env}, '${flag.envSeparator}'-separated` : `env: ${flag.env}`);
  }
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

/** `--help` text: a usage line, a summary, then every flag of the table with its default. */
export function renderHelp(options: {
  usage: string;
  summary: string;
  flags: readonly FlagDefinition[];
}): string {
  const width = Math.max(...options.flags.map((flag) => flagColumn(flag).length)) + 2;
  const lines = options.flags.map(
    (flag) => `  ${flagColumn(flag).padEnd(width)}${flag.description}${notes(flag)}`,
  );
  return `Usage: ${options.usage}\n\n${options.summary}\n\nFlags:\n${lines.join("\n")}\n`;
}
