import { z } from "zod";
import { llamaCppExtrasShape } from "./llama-cpp-extras.js";
import { onlyDefault, samplingFieldsShape, unsupported } from "./request-fields.js";

const inputText = z.object({ type: z.literal("input_text"), text: z.string() });
const inputImage = z.object({
  type: z.literal("input_image"),
  image_url: z.string().min(1, { message: "input_image needs an image_url (file_id is not supported)" }),
  detail: z.enum(["auto", "low", "high"]).nullish(),
});
const outputText = z.object({ type: z.literal("output_text"), text: z.string() }).loose(); // annotations and logprobs of earlier output come back from clients; they are history only.
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() }).loose();

export const responsesMessageItemSchema = z.object({
  type: z.literal("message").optional(),
  id: z.string().optional(),
  status: z.string().optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([
    z.string(),
    z.array(z.discriminatedUnion("type", [inputText, inputImage, outputText, refusal])),
  ]),
});

const inputItemTypes = ["message", "function_call", "function_call_output", "reasoning", "item_reference"];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Items are told apart by `type` (a message may leave it out); an unknown type is a 400 that
 * names it, not zod's "Invalid input".
 */
export const responsesInputItemSchema = z.preprocess(
  (item) =>
    isRecord(item) && item.type === undefined && "role" in item ? { ...item, type: "message" } : item,
  z.discriminatedUnion(
    "type",
    [
      responsesMessageItemSchema.extend({ type: z.literal("message") }),
      z.object({
        type: z.literal("function_call"),
        id: z.string().optional(),
        call_id: z.string(),
        name: z.string(),
        arguments: z.string(),
      }),
      z.object({
        type: z.literal("function_call_output"),
        id: z.string().optional(),
        call_id: z.string(),
        output: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]),
      }),
      // Reasoning from an earlier turn: chat templates drop past reasoning, so it is skipped.
      z.object({ type: z.literal("reasoning") }),
      // An item of a stored response, by id (the AI SDK sends these when store is on).
      z.object({ type: z.literal("item_reference"), id: z.string().min(1) }),
    ],
    {
      error: (issue) =>
        issue.code === "invalid_union"
          ? `unknown input item type ${JSON.stringify(isRecord(issue.input) ? issue.input.type : issue.input)}; expected one of ${inputItemTypes.join(", ")}`
          : undefined,
    },
  ),
);
export type ResponsesInputItem = z.infer<typeof responsesInputItemSchema>;

export const responsesToolSchema = z.object({
  type: z.literal("function"),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

export const responsesTextFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

/**
 * `POST /v1/responses`. `store: true` (OpenAI's default) keeps the response for a while so
 * `previous_response_id` and `item_reference` work. Unknown keys are ignored; accepted and
 * ignored: `metadata`, `user`, `service_tier`, `prompt_cache_key`, `safety_identifier`,
 * `truncation` ("disabled"), `reasoning.summary`.
 */
export const responsesRequestSchema = z.object({
  model: z.string().optional().default(""),
  // A string is one user message; as a list, a bad item's error names the item (not the union).
  input: z.preprocess(
    (input) => (typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input),
    z.array(responsesInputItemSchema).min(1, { message: "input must not be empty" }),
  ),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().min(-1).nullish(),
  ...samplingFieldsShape,
  tools: z.array(responsesToolSchema).nullish(),
  tool_choice: z
    .union([
      z.enum(["auto", "none", "required"]),
      z.object({ type: z.literal("function"), name: z.string().min(1) }),
    ])
    .nullish(),
  ...llamaCppExtrasShape,
  text: z
    .strictObject({ format: responsesTextFormatSchema.optional(), verbosity: unsupported("text.verbosity") })
    .nullish(),
  reasoning: z
    .strictObject({
      effort: z.enum(["none", "minimal", "low", "medium", "high"]).nullish(),
      summary: z.string().nullish(),
    })
    .nullish(),
  previous_response_id: z.string().min(1).nullish(),
  conversation: unsupported("conversation (use previous_response_id)"),
  background: onlyDefault(false, "background responses are not supported by Paddler"),
  // Extra output to include (encrypted reasoning, logprobs): accepted, nothing extra is sent.
  include: z.array(z.string()).nullish(),
  prompt: unsupported("prompt templates"),
  top_logprobs: unsupported("top_logprobs"),
  parallel_tool_calls: z.boolean().nullish(),
  truncation: onlyDefault("disabled", "truncation 'auto' is not supported by Paddler"),
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  service_tier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  safety_identifier: z.string().nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
