import { maxProbabilities, maxStopStrings, type SamplingOverrides } from "@paddler/protocol";
import { z } from "zod";

/** A field that would change the output in a way Paddler cannot honour: refused unless absent or null. */
export function unsupported(what: string) {
  return z
    .unknown()
    .refine((value) => value === null, { message: `${what} is not supported by Paddler` })
    .optional();
}

/** A field whose only supported value is the default; other values are refused. */
export function onlyDefault(allowed: unknown, what: string) {
  return z
    .unknown()
    .refine((value) => value === null || value === allowed, { message: what })
    .optional();
}

/** Token ids, as the OpenAI API takes them for prompts and embedding inputs. */
export const tokenIdsSchema = z
  .array(z.number().int().nonnegative({ message: "token ids must be non-negative integers" }), {
    message: "must be an array of token ids (non-negative integers)",
  })
  .min(1, { message: "must hold at least one token id" });

/**
 * OpenAI's sampling fields, plus llama.cpp server's extras (clients send them through
 * `extra_body`): `top_k`, `min_p`, `typical_p`, `repeat_penalty` / `repetition_penalty`,
 * `ignore_eos`, `n_probs`. Absent fields keep the cluster's values.
 */
export const samplingFieldsShape = {
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  stop: z
    .union([z.string(), z.array(z.string()).max(maxStopStrings)], {
      error: () => `must be a string or an array of at most ${maxStopStrings} stop sequences (strings)`,
    })
    .nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  typical_p: z.number().min(0).max(1).nullish(),
  repeat_penalty: z.number().nonnegative().nullish(),
  repetition_penalty: z.number().nonnegative().nullish(),
  ignore_eos: z.boolean().nullish(),
  n_probs: z.number().int().min(0).max(maxProbabilities).nullish(),
  /** llama-server's: the prompt cache is always on here (prefix reuse per slot); accepted, ignored. */
  cache_prompt: z.boolean().nullish(),
};

export type SamplingFields = {
  [K in keyof typeof samplingFieldsShape]?: z.infer<(typeof samplingFieldsShape)[K]>;
};

/** Maps OpenAI's sampling fields onto the per-request overrides the agent engine honours. */
export function toSamplingOverrides(
  fields: SamplingFields,
  extra: { nProbs?: number | undefined } = {},
): SamplingOverrides | undefined {
  const overrides: SamplingOverrides = {};
  if (fields.temperature != null) overrides.temperature = fields.temperature;
  if (fields.top_p != null) overrides.top_p = fields.top_p;
  if (fields.presence_penalty != null) overrides.penalty_presence = fields.presence_penalty;
  if (fields.frequency_penalty != null) overrides.penalty_frequency = fields.frequency_penalty;
  if (fields.top_k != null) overrides.top_k = fields.top_k;
  if (fields.min_p != null) overrides.min_p = fields.min_p;
  if (fields.typical_p != null) overrides.typical_p = fields.typical_p;
  const repeat = fields.repeat_penalty ?? fields.repetition_penalty;
  if (repeat != null) overrides.penalty_repeat = repeat;
  if (fields.ignore_eos != null) overrides.ignore_eos = fields.ignore_eos;
  const nProbs = extra.nProbs ?? fields.n_probs;
  if (nProbs != null && nProbs > 0) overrides.n_probs = nProbs;
  // OpenAI takes any integer seed; llama.cpp's is a uint32, so negative or huge seeds wrap into it.
  if (fields.seed != null) overrides.seed = ((fields.seed % 2 ** 32) + 2 ** 32) % 2 ** 32;
  if (fields.stop != null) {
    // An empty stop string would end every generation at once; OpenAI ignores empty entries too.
    const stop = (typeof fields.stop === "string" ? [fields.stop] : fields.stop).filter((s) => s !== "");
    if (stop.length > 0) overrides.stop = stop;
  }
  return Object.keys(overrides).length > 0 ? overrides : undefined;
}
