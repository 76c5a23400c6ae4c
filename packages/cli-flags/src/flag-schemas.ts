import { z } from "zod";

/** The largest delay `setTimeout` honours; a longer one fires at once, so durations stop here. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A decimal integer in [min, max]; its message says what was expected, for `validateFlags`. */
export function integerFlagSchema(options: { min: number; max?: number }): z.ZodType<number, string> {
  const { min, max = MAX_TIMER_MS } = options;
  const expected = `an integer ≥ ${min}`;
  return z
    .string()
    .regex(/^\d+$/, { error: expected })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: expected })
        .max(max, { error: `an integer from ${min} to ${max}` }),
    );
}

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const logLevelFlagSchema = z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(", ")}` });

export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
export type LogFormatChoice = (typeof LOG_FORMATS)[number];

export const logFormatFlagSchema = z.enum(LOG_FORMATS, { error: `one of ${LOG_FORMATS.join(", ")}` });

/** `auto` means readable lines when the logs go to a terminal, JSON lines otherwise. */
export function resolveLogFormat(choice: LogFormatChoice, isTerminal: boolean): "json" | "pretty" {
  if (choice === "auto") return isTerminal ? "pretty" : "json";
  return choice;
}
