import { z } from "zod";
import { onlyDefault, samplingFieldsShape, unsupported } from "./request-fields.js";

const textPart = z.strictObject({ type: z.literal("text"), text: z.string() });
/** `detail` is accepted and dropped: llama.cpp has one way to see an image. */
const imagePart = z.strictObject({
  type: z.literal("image_url"),
  image_url: z.strictObject({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const refusalPart = z.strictObject({ type: z.literal("refusal"), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)]);

export const chatToolCallSchema = z.strictObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});

/** `name` on a message is accepted and ignored (chat templates have no place for it). */
export const chatMessageSchema = z.discriminatedUnion("role", [
  z.strictObject({ role: z.literal("system"), content: textContent, name: z.string().optional() }),
  z.strictObject({ role: z.literal("developer"), content: textContent, name: z.string().optional() }),
  z.strictObject({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, imagePart]))]),
    name: z.string().optional(),
  }),
  z.strictObject({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, refusalPart]))]).nullish(),
    tool_calls: z.array(chatToolCallSchema).optional(),
    reasoning_content: z.string().nullish(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  }),
  z.strictObject({ role: z.literal("tool"), content: textContent, tool_call_id: z.string() }),
]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const openAIToolSchema = z.strictObject({
  type: z.literal("function"),
  function: z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    // Strict schema adherence of arguments is not enforced by a grammar; accepted, not promised.
    strict: z.boolean().nullish(),
  }),
});
export type OpenAITool = z.infer<typeof openAIToolSchema>;

export const responseFormatSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text") }),
  z.strictObject({ type: z.literal("json_object") }),
  z.strictObject({
    type: z.literal("json_schema"),
    json_schema: z.strictObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/**
 * `POST /v1/chat/completions`. Unknown keys are refused. Accepted and ignored because they don't
 * change the output: `user`, `metadata`, `store`, `service_tier`, `prompt_cache_key`,
 * `safety_identifier`, `parallel_tool_calls` (true), `logprobs` (false), `modalities` (["text"]).
 */
export const chatCompletionRequestSchema = z.strictObject({
  model: z.string(),
  messages: z.array(chatMessageSchema).min(1, { message: "messages must not be empty" }),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  ...samplingFieldsShape,
  tools: z.array(openAIToolSchema).nullish(),
  tool_choice: z
    .union([
      z.enum(["auto", "none"]),
      z
        .literal("required")
        .refine(() => false, { message: "tool_choice 'required' is not supported by Paddler" }),
      z
        .object({})
        .loose()
        .refine(() => false, { message: "forcing a specific tool is not supported by Paddler" }),
    ])
    .nullish(),
  response_format: responseFormatSchema.nullish(),
  /** "none" turns thinking off; any other effort leaves it to the chat template. */
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high"]).nullish(),
  n: onlyDefault(1, "n other than 1 is not supported by Paddler"),
  logprobs: onlyDefault(false, "logprobs are not supported by Paddler"),
  top_logprobs: unsupported("top_logprobs"),
  logit_bias: unsupported("logit_bias"),
  audio: unsupported("audio output"),
  modalities: z
    .array(z.literal("text", { message: "only the text modality is supported by Paddler" }))
    .nullish(),
  prediction: unsupported("prediction"),
  web_search_options: unsupported("web_search_options"),
  functions: unsupported("functions (deprecated; use tools)"),
  function_call: unsupported("function_call (deprecated; use tool_choice)"),
  parallel_tool_calls: onlyDefault(true, "parallel_tool_calls false is not supported by Paddler"),
  verbosity: unsupported("verbosity"),
  user: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  safety_identifier: z.string().nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
