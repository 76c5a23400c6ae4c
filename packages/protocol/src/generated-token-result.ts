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

// The variants built in a loop lose their literal keys in zod's inference; the declared type is exact.
export const generatedTokenResultSchema = z.union([
  generatedTokenSchema,
  toolCallEventSchema,
  terminalGeneratedTokenResultSchema,
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
]);

/** The variant name of a result, whichever way it is spelled. */
export function generatedTokenResultTag(result: GeneratedTokenResult): string {
  return typeof result === "string" ? result : (Object.keys(result)[0] ?? "");
}

/** Whether this result ends the request (Paddler closes the stream after it). */
export function isTerminalGeneratedTokenResult(result: GeneratedTokenResult): boolean {
  return !nonTerminalKeys.has(generatedTokenResultTag(result));
}
