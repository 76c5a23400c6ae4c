import { z } from "zod";
import { onlyDefault, samplingFieldsShape, unsupported } from "./request-fields.js";

const inputText = z.strictObject({ type: z.literal("input_text"), text: z.string() });
const inputImage = z.strictObject({
  type: z.literal("input_image"),
  image_url: z.string().min(1, { message: "input_image needs an image_url (file_id is not supported)" }),
  detail: z.enum(["auto", "low", "high"]).nullish(),
});
const outputText = z.object({ type: z.literal("output_text"), text: z.string() }).loose(); // annotations and logprobs of earlier output come back from clients; they are history only.
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() }).loose();

export const responsesMessageItemSchema = z.strictObject({
  type: z.literal("message").optional(),
  id: z.string().optional(),
  status: z.string().optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([
    z.string(),
    z.array(z.discriminatedUnion("type", [inputText, inputImage, outputText, refusal])),
  ]),
});

export const responsesInputItemSchema = z.union([
  responsesMessageItemSchema,
  z
    .object({
      type: z.literal("function_call"),
      call_id: z.string(),
      name: z.string(),
      arguments: z.string(),
    })
    .loose(),
  z.object({ type: z.literal("function_call_output"), call_id: z.string(), output: z.string() }).loose(),
  // Reasoning from an earlier turn: chat templates drop past reasoning, so it is skipped.
  z.object({ type: z.literal("reasoning") }).loose(),
]);
export type ResponsesInputItem = z.infer<typeof responsesInputItemSchema>;

export const responsesToolSchema = z.strictObject({
  type: z.literal("function"),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

export const responsesTextFormatSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text") }),
  z.strictObject({ type: z.literal("json_object") }),
  z.strictObject({
    type: z.literal("json_schema"),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

/**
 * `POST /v1/responses` as Paddler serves it: stateless (no `previous_response_id`, nothing
 * stored). Accepted and ignored: `store`, `metadata`, `user`, `service_tier`, `prompt_cache_key`,
 * `safety_identifier`, `truncation` ("disabled"), `parallel_tool_calls` (true), `reasoning.summary`.
 */
export const responsesRequestSchema = z.strictObject({
  model: z.string(),
  input: z.union([
    z.string(),
    z.array(responsesInputItemSchema).min(1, { message: "input must not be empty" }),
  ]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  ...samplingFieldsShape,
  tools: z.array(responsesToolSchema).nullish(),
  tool_choice: z
    .enum(["auto", "none"], {
      message: "tool_choice must be 'auto' or 'none' (forcing a tool is not supported by Paddler)",
    })
    .nullish(),
  text: z
    .strictObject({ format: responsesTextFormatSchema.optional(), verbosity: unsupported("text.verbosity") })
    .nullish(),
  reasoning: z
    .strictObject({
      effort: z.enum(["none", "minimal", "low", "medium", "high"]).nullish(),
      summary: z.string().nullish(),
    })
    .nullish(),
  previous_response_id: unsupported("previous_response_id (responses are not stored)"),
  conversation: unsupported("conversation (responses are not stored)"),
  background: onlyDefault(false, "background responses are not supported by Paddler"),
  include: z.array(z.never({ message: "include is not supported by Paddler" })).nullish(),
  prompt: unsupported("prompt templates"),
  top_logprobs: unsupported("top_logprobs"),
  parallel_tool_calls: onlyDefault(true, "parallel_tool_calls false is not supported by Paddler"),
  truncation: onlyDefault("disabled", "truncation 'auto' is not supported by Paddler"),
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  service_tier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  safety_identifier: z.string().nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
