import { maxStopStrings } from "@paddler/protocol";
import { z } from "zod";

// Objects strip keys they do not know (cache_control, citations…), like the OpenAI service.
const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const imageBlock = z.object({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string().min(1) }),
    z.object({ type: z.literal("url"), url: z.string().min(1) }),
  ]),
});
const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string().min(1),
  input: z.unknown(),
});
const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
// Earlier thinking: chat templates drop past reasoning, so it is skipped.
const thinkingBlock = z.object({ type: z.enum(["thinking", "redacted_thinking"]) });

export const anthropicContentBlockSchema = z.discriminatedUnion("type", [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
]);
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;

export const anthropicMessageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(anthropicContentBlockSchema)]),
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

export const anthropicToolSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
});

/**
 * `POST /v1/messages` (and the counting part of it for `/v1/messages/count_tokens`). Unknown keys
 * are ignored; accepted and ignored: `metadata`, `service_tier`, `thinking.budget_tokens`
 * (thinking is on or off, as the chat template allows), `cache_control` on blocks.
 */
export const anthropicCountTokensRequestSchema = z.object({
  model: z.string().optional().default(""),
  messages: z.array(anthropicMessageSchema),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(anthropicToolSchema).optional(),
  tool_choice: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({
        type: z.literal("tool"),
        name: z.string().min(1),
        disable_parallel_tool_use: z.boolean().optional(),
      }),
      z.object({ type: z.literal("none") }),
    ])
    .optional(),
  thinking: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("enabled"), budget_tokens: z.number().int().optional() }),
      z.object({ type: z.literal("disabled") }),
      z.object({ type: z.literal("adaptive") }),
    ])
    .optional(),
});

export const anthropicMessagesRequestSchema = anthropicCountTokensRequestSchema.extend({
  max_tokens: z.number().int().min(1),
  stream: z.boolean().optional(),
  stop_sequences: z
    .array(z.string())
    .max(maxStopStrings, { message: `at most ${maxStopStrings} stop sequences are allowed` })
    .optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;
