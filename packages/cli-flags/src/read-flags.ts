import type { z } from "zod";
import { CliUsageError } from "./cli-usage-error.js";
import { closestFlag } from "./closest-flag.js";
import type { FlagDefinition } from "./flag-definition.js";
import { tokenizeFlags } from "./tokenize-flags.js";

export type RawFlagValue = string | string[] | boolean;

export interface ReadFlags {
  /** Raw values keyed by flag name, defaults applied; an absent flag without a default is missing. */
  values: Record<string, RawFlagValue>;
  /** Where each value came from, for error messages: `--slots` or `PADDLER_LOG_LEVEL`. */
  sources: Record<string, string>;
}

/** Reads argv (and the flags' environment variables) against the table; mistakes throw `CliUsageError`. */
export function readFlags(options: {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  flags: readonly FlagDefinition[];
}): ReadFlags {
  const byName = new Map(options.flags.map((flag) => [flag.name, flag]));
  const byShort = new Map(options.flags.flatMap((flag) => (flag.short ? [[flag.short, flag] as const] : [])));
  const tokens = tokenizeFlags(options.argv, options.flags);

  const values: Record<string, RawFlagValue> = {};
  const sources: Record<string, string> = {};
  for (const token of tokens) {
    if (token.kind === "positional") {
      throw new CliUsageError(`unexpected argument '${token.value}'; see --help`);
    }
    if (token.kind !== "option") {
      continue;
    }
    const flag = token.rawName.startsWith("--") ? byName.get(token.name) : byShort.get(token.name);
    const label = flag ? `--${flag.name}` : token.rawName;
    if (flag === undefined) {
      const suggestion = token.rawName.startsWith("--") ? closestFlag(token.name, options.flags) : null;
      throw new CliUsageError(
        suggestion === null
          ? `${label}: unknown flag; see --help`
          : `${label}: unknown flag; did you mean --${suggestion}? (see --help)`,
        { flag: label },
      );
    }
    if (!flag.valueName) {
      if (token.inlineValue) {
        throw new CliUsageError(`${label}: takes no value, got '${token.value ?? ""}'`, { flag: label });
      }
      values[flag.name] = true;
      sources[flag.name] = label;
      continue;
    }
    if (token.value === undefined) {
      throw new CliUsageError(`${label}: expected a value (${flag.valueName})`, { flag: label });
    }
    if (!token.inlineValue && token.value.startsWith("--")) {
      throw new CliUsageError(
        `${label}: expected a value (${flag.valueName}), got the flag '${token.value}'; write ${label}=${token.value} if that is the value`,
        { flag: label },
      );
    }
    const previous = values[flag.name];
    if (flag.repeatable) {
      values[flag.name] = [...(Array.isArray(previous) ? previous : []), token.value];
    } else if (previous !== undefined) {
      throw new CliUsageError(`${label}: given more than once`, { flag: label });
    } else {
      values[flag.name] = token.value;
    }
    sources[flag.name] = label;
  }

  for (const flag of options.flags) {
    if (values[flag.name] !== undefined) {
      continue;
    }
    const fromEnv = flag.env === undefined ? undefined : options.env[flag.env];
    if (flag.env !== undefined && fromEnv !== undefined && fromEnv !== "") {
      values[flag.name] = !flag.repeatable
        ? fromEnv
        : flag.envSeparator === undefined
          ? [fromEnv]
          : fromEnv
              .split(flag.envSeparator)
              .map((value) => value.trim())
              .filter((value) => value !== "");
      sources[flag.name] = flag.env;
    } else if (flag.required) {
      throw new CliUsageError(`--${flag.name} is required; see --help`, { flag: `--${flag.name}` });
    } else if (flag.default !== undefined) {
      values[flag.name] = flag.repeatable ? [flag.default] : flag.default;
      sources[flag.name] = `--${flag.name}`;
    } else if (flag.repeatable) {
      values[flag.name] = [];
    } else if (!flag.valueName) {
      values[flag.name] = false;
    }
    sources[flag.name] ??= `--${flag.name}`;
  }
  return { values, sources };
}

function describeRaw(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value);
}

/**
 * Validates the raw values with the command's schema (keyed by flag name). The first problem
 * becomes a `CliUsageError` such as `--slots: expected an integer from 1 to 2147483647, got 'abc'`;
 * schema messages are therefore written as what was expected.
 */
export function validateFlags<TSchema extends z.ZodType>(
  schema: TSchema,
  read: ReadFlags,
): z.output<TSchema> {
  const result = schema.safeParse(read.values);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const [name, index] = issue?.path ?? [];
  const key = typeof name === "string" ? name : "";
  const label = read.sources[key] ?? `--${key}`;
  const value = read.values[key];
  const raw = Array.isArray(value) && typeof index === "number" ? value[index] : value;
  throw new CliUsageError(
    `${label}: expected ${issue?.message ?? "a valid value"}, got ${describeRaw(raw)}`,
    {
      flag: label,
      cause: result.error,
    },
  );
}
