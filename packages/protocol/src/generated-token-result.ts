import { z } from "zod";
import { taggedVariant, unitVariant } from "./tagged.js";
import { tokenUsageSchema } from "./token-usage.js";

export const toolCallArgumentsSchema = z.union([
  taggedVariant("ValidJson", z.unknown()),
  taggedVariant("InvalidJson", z.string()),
]);
export const parsedToolCallSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  arguments: toolCallArgumentsSchema,
});
export type ParsedToolCall = z.infer<typeof parsedToolCallSchema>;

export const tokenProbabilitySchema = z.strictObject({
  token: z.string(),
  /** Natural log of the probability; -9999 stands for "never" (JSON has no -Infinity). */
  logprob: z.number(),
  bytes: z.array(z.number().int().min(0).max(255)),
});
export type TokenProbability = z.infer<typeof tokenProbabilitySchema>;
export const tokenLogprobsSchema = tokenProbabilitySchema.extend({
  top_logprobs: z.array(tokenProbabilitySchema),
});
export type TokenLogprobs = z.infer<typeof tokenLogprobsSchema>;

export const finishReasonSchema = z.enum(["eog", "max_tokens", "stop_sequence", "context_end"]);
export type GenerationFinishReason = z.infer<typeof finishReasonSchema>;
export const generationFinishedSchema = z.strictObject({
  reason: finishReasonSchema,
  /** The stop string that ended it, for `stop_sequence`. */
  stop_sequence: z.string().optional(),
});
export type GenerationFinished = z.infer<typeof generationFinishedSchema>;

/**
 * Extensions to Paddler's results, sent only to requests that ask for them (`report_finish`,
 * `logprobs` / `n_probs`), so Paddler's own clients never receive them.
 */
export const generationExtensionResultSchema = z.union([
  /** One sampled token, sent before its text. */
  taggedVariant("Logprobs", tokenLogprobsSchema),
  /** Why generation ended; sent right before `Done`. */
  taggedVariant("Finished", generationFinishedSchema),
]);

/** Token kinds, streamed as they are generated. */
export const generatedTokenSchema = z.union([
  taggedVariant("ContentToken", z.string()),
  taggedVariant("ReasoningToken", z.string()),
  taggedVariant("ToolCallToken", z.string()),
  taggedVariant("UndeterminableToken", z.string()),
]);

/** Non-terminal tool-call events. */
export const toolCallEventSchema = z.union([
  taggedVariant("ToolCallParsed", z.array(parsedToolCallSchema)),
  taggedVariant("ToolCallParseFailed", z.string()),
  taggedVariant("ToolCallValidationFailed", z.array(z.string())),
  taggedVariant(
    "UnrecognizedToolCallFormat",
    z.strictObject({ text: z.string(), ffi_error_message: z.string() }),
  ),
]);

export const generationErrorTags = [
  "ChatTemplateError",
  "DetokenizationFailed",
  "GrammarIncompatibleWithThinking",
  "GrammarInitializationFailed",
  "GrammarRejectedModelOutput",
  "GrammarSyntaxError",
  "ImageDecodingFailed",
  "MultimodalNotSupported",
  "SamplerError",
  "TokenGenerationDisabled",
  "ToolSchemaInvalid",
] as const;
export type GenerationErrorTag = (typeof generationErrorTags)[number];

/** Terminal results: `Done` with usage, or an error that ends the request. */
export const terminalGeneratedTokenResultSchema = z.union([
  taggedVariant("Done", z.strictObject({ usage: tokenUsageSchema })),
  taggedVariant(
    "ImageExceedsBatchSize",
    z.strictObject({ image_tokens: z.number().int(), n_batch: z.number().int() }),
  ),
  ...generationErrorTags.map((tag) => taggedVariant(tag, z.string())),
  // Paddler writes a few of these as unit variants in some versions; accept both spellings.
  ...generationErrorTags.map((tag) => unitVariant(tag)),
]);

// One flat union, most frequent first: zod tries the options in order, and a nested union that
// fails as a whole builds its full error report (a tenth of a Done frame's parse) before the next.
// The variants built in a loop lose their literal keys in zod's inference; the declared type is exact.
export const generatedTokenResultSchema = z.union([
  ...generatedTokenSchema.options,
  ...terminalGeneratedTokenResultSchema.options,
  ...generationExtensionResultSchema.options,
  ...toolCallEventSchema.options,
]) as unknown as z.ZodType<GeneratedTokenResult>;

type ErrorVariant = { [K in GenerationErrorTag]: { [P in K]: string } }[GenerationErrorTag];
export type GeneratedTokenResult =
  | { ContentToken: string }
  | { ReasoningToken: string }
  | { ToolCallToken: string }
  | { UndeterminableToken: string }
  | { ToolCallParsed: ParsedToolCall[] }
  | { ToolCallParseFailed: string }
  | { ToolCallValidationFailed: string[] }
  | { UnrecognizedToolCallFormat: { text: string; ffi_error_message: string } }
  | { Logprobs: TokenLogprobs }
  | { Finished: GenerationFinished }
  | { Done: { usage: z.infer<typeof tokenUsageSchema> } }
  | { ImageExceedsBatchSize: { image_tokens: number; n_batch: number } }
  | ErrorVariant
  | GenerationErrorTag;

const nonTerminalKeys = new Set([
  "ContentToken",
  "ReasoningToken",
  "ToolCallToken",
  "UndeterminableToken",
  "ToolCallParsed",
  "ToolCallParseFailed",
  "ToolCallValidationFailed",
  "UnrecognizedToolCallFormat",
  "Logprobs",
  "Finished",
]);

/** The variant name of a result, whichever way it is spelled. */
export function generatedTokenResultTag(result: GeneratedTokenResult): string {
  return typeof result === "string" ? result : (Object.keys(result)[0] ?? "");
}

/** Whether this result ends the request (Paddler closes the stream after it). */
export function isTerminalGeneratedTokenResult(result: GeneratedTokenResult): boolean {
  return !nonTerminalKeys.has(generatedTokenResultTag(result));
}
