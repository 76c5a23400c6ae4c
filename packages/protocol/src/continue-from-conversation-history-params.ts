import { z } from "zod";
import { conversationMessageSchema } from "./conversation-message.js";
import { generationExtensionsShape } from "./generation-extensions.js";
import { grammarConstraintSchema } from "./grammar-constraint.js";
import { samplingOverridesSchema } from "./sampling-overrides.js";
import { toolSchema } from "./tool.js";

export const continueFromConversationHistoryParamsSchema = z.strictObject({
  add_generation_prompt: z.boolean(),
  conversation_history: z.array(conversationMessageSchema),
  enable_thinking: z.boolean(),
  grammar: grammarConstraintSchema.nullable().optional(),
  max_tokens: z.number().int(),
  parse_tool_calls: z.boolean().optional(),
  sampling: samplingOverridesSchema.optional(),
  tools: z.array(toolSchema).optional(),
  ...generationExtensionsShape,
});
export type ContinueFromConversationHistoryParams = z.infer<
  typeof continueFromConversationHistoryParamsSchema
>;
