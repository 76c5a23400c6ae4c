import { maxProbabilities } from "@paddler/protocol";
import { z } from "zod";
import { llamaCppExtrasShape } from "./llama-cpp-extras.js";
import { onlyDefault, samplingFieldsShape, unsupported } from "./request-fields.js";

// Objects strip keys they do not know (clients echo back fields of earlier responses, like an
// assistant part's `annotations`); parseOpenAIBody logs what was dropped. Known keys are typed.
const textPart = z.object({ type: z.literal("text"), text: z.string() });
/** `detail` is accepted and dropped: llama.cpp has one way to see an image. */
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)]);

export const chatToolCallSchema = z.object({
  id: z.string(),
  type: z.literal("function").optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

/** `name` on a message is accepted and ignored (chat templates have no place for it). */
export const chatMessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: textContent, name: z.string().optional() }),
  z.object({ role: z.literal("developer"), content: textContent, name: z.string().optional() }),
  z.object({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, imagePart]))]),
    name: z.string().optional(),
  }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, refusalPart]))]).nullish(),
    tool_calls: z.array(chatToolCallSchema).nullish(),
    reasoning_content: z.string().nullish(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  }),
  z.object({ role: z.literal("tool"), content: textContent, tool_call_id: z.string() }),
]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const openAIToolSchema = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    // Arguments follow the schema only when the tool is forced (tool_choice); accepted, not promised.
    strict: z.boolean().nullish(),
  }),
});
export type OpenAITool = z.infer<typeof openAIToolSchema>;

export const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object"), schema: z.record(z.string(), z.unknown()).nullish() }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().optional(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const toolChoiceSchema = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

/**
 * `POST /v1/chat/completions`. Unknown keys are ignored. Accepted and ignored because they don't
 * change the output: `user`, `metadata`, `store`, `service_tier`, `prompt_cache_key`,
 * `safety_identifier`, `modalities` (["text"]), `cache_prompt`, `typical_p`.
 */
export const chatCompletionRequestSchema = z.object({
  model: z.string().optional().default(""),
  // llama-server renders an empty conversation too (the template's generation prompt only).
  messages: z.array(chatMessageSchema),
  stream: z.boolean().nullish(),
  stream_options: z
    .object({ include_usage: z.boolean().nullish(), continuous_usage_stats: z.boolean().nullish() })
    .nullish(),
  max_tokens: z.number().int().min(-1).nullish(),
  max_completion_tokens: z.number().int().min(-1).nullish(),
  n_predict: z.number().int().min(-1).nullish(),
  ...samplingFieldsShape,
  ...llamaCppExtrasShape,
  tools: z.array(openAIToolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormatSchema.nullish(),
  /** "none" turns thinking off; any other effort leaves it to the chat template. */
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high"]).nullish(),
  n: z.number().int().min(1).max(16).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(maxProbabilities).nullish(),
  logit_bias: unsupported("logit_bias"),
  audio: unsupported("audio output"),
  modalities: z
    .array(z.literal("text", { message: "only the text modality is supported by Paddler" }))
    .nullish(),
  prediction: unsupported("prediction"),
  web_search_options: unsupported("web_search_options"),
  functions: unsupported("functions (deprecated; use tools)"),
  function_call: unsupported("function_call (deprecated; use tool_choice)"),
  verbosity: onlyDefault("medium", "verbosity other than 'medium' is not supported by Paddler"),
  user: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  safety_identifier: z.string().nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
