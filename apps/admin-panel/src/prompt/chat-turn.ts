import {
  generatedTokenResultTag,
  type InferenceClientMessage,
  isTerminalGeneratedTokenResult,
  type TokenUsage,
} from "@paddler/protocol";

export type ChatTurnStatus = "waiting" | "streaming" | "done" | "stopped" | "error";

export interface ChatTurn {
  id: string;
  role: "user" | "assistant";
  content: string;
  /** Thinking tokens, kept apart from the answer. */
  reasoning: string;
  status: ChatTurnStatus;
  error?: string | undefined;
  generatedBy?: string | null | undefined;
  usage?: TokenUsage | undefined;
}

/** What one inference message does to the reply being written. */
export type ReplyStep =
  | { kind: "content"; text: string }
  | { kind: "reasoning"; text: string }
  | { kind: "done"; usage: TokenUsage; generatedBy: string | null }
  | { kind: "error"; message: string }
  | { kind: "generation-disabled" }
  | { kind: "ignore" };

/** Reads one message of an inference stream for the chat. */
export function replyStep(message: InferenceClientMessage): ReplyStep {
  if ("Notification" in message) {
    return message.Notification === "TokenGenerationDisabled"
      ? { kind: "generation-disabled" }
      : { kind: "ignore" };
  }
  if ("Error" in message) {
    const { code, description } = message.Error.error;
    return { kind: "error", message: `${code}: ${description}` };
  }
  const { response, generated_by } = message.Response;
  if (typeof response === "string" || !("GeneratedToken" in response)) return { kind: "ignore" };
  const result = response.GeneratedToken;
  if (typeof result === "object") {
    if ("ContentToken" in result) return { kind: "content", text: result.ContentToken };
    if ("ReasoningToken" in result) return { kind: "reasoning", text: result.ReasoningToken };
    if ("ToolCallToken" in result) return { kind: "content", text: result.ToolCallToken };
    if ("UndeterminableToken" in result) return { kind: "content", text: result.UndeterminableToken };
    if ("Done" in result) return { kind: "done", usage: result.Done.usage, generatedBy: generated_by };
  }
  if (!isTerminalGeneratedTokenResult(result)) return { kind: "ignore" };
  const tag = generatedTokenResultTag(result);
  if (tag === "TokenGenerationDisabled") return { kind: "generation-disabled" };
  const detail = typeof result === "object" ? Object.values(result)[0] : undefined;
  return {
    kind: "error",
    message: typeof detail === "string" && detail ? `${tag}: ${detail}` : tag,
  };
}
