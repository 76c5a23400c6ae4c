import {
  hasOnlyKeys,
  isBoolean,
  isIntegerAtLeast,
  isPlainObject,
  nullishOr,
} from "../http/fast-body-checks.js";
import type { ChatCompletionRequest } from "./chat-completion-request.js";

const fastKeys = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
]);
const fastMessageKeys = new Set(["role", "content"]);
const fastRoles = new Set(["system", "developer", "user", "assistant"]);
const streamOptionKeys = new Set(["include_usage", "continuous_usage_stats"]);

function isTextMessage(value: unknown): boolean {
  return (
    isPlainObject(value) &&
    hasOnlyKeys(value, fastMessageKeys) &&
    typeof value.role === "string" &&
    fastRoles.has(value.role) &&
    typeof value.content === "string"
  );
}

function isStreamOptions(value: unknown): boolean {
  return (
    isPlainObject(value) &&
    hasOnlyKeys(value, streamOptionKeys) &&
    nullishOr(value.include_usage, isBoolean) &&
    nullishOr(value.continuous_usage_stats, isBoolean)
  );
}

/**
 * The chat request most clients send (a model, text messages, stream, a token limit), checked by
 * hand: the same request chatCompletionRequestSchema makes of it, or null for anything else, which
 * the schema then checks (and words the errors of). It never refuses; zod's parse of the whole
 * schema was a tenth of the balancer's CPU for a short chat request. A property test holds it to
 * the schema (fast-chat-completion-request.test.ts).
 */
export function fastChatCompletionRequest(body: unknown): ChatCompletionRequest | null {
  if (!isPlainObject(body) || !hasOnlyKeys(body, fastKeys)) return null;
  const { model = "", messages } = body;
  if (typeof model !== "string" || !Array.isArray(messages) || !messages.every(isTextMessage)) return null;
  if (!nullishOr(body.stream, isBoolean) || !nullishOr(body.stream_options, isStreamOptions)) return null;
  const tokenLimit = (value: unknown) => isIntegerAtLeast(value, -1);
  if (!nullishOr(body.max_tokens, tokenLimit) || !nullishOr(body.max_completion_tokens, tokenLimit))
    return null;
  return { ...body, model } as ChatCompletionRequest;
}
