import type { ConversationMessage, ConversationMessageContentPart } from "@paddler/protocol";
import type { ChatMessage } from "./chat-completion-request.js";

/**
 * How an assistant's earlier tool calls are written back into the conversation: the Hermes/Qwen
 * `<tool_call>` form, which the engine's tool-call parser reads and most chat templates expect.
 */
export function toolCallText(name: string, argumentsJson: string): string {
  let args: unknown = argumentsJson;
  try {
    args = JSON.parse(argumentsJson);
  } catch {
    // Kept as the string the client sent; the model sees what was there.
  }
  return `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;
}

function joinText(content: string | readonly { type: string; text?: string; refusal?: string }[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => part.text ?? part.refusal ?? "").join("");
}

/** Chat messages as Paddler's conversation history (`developer` is a `system` message there). */
export function toConversationHistory(messages: readonly ChatMessage[]): ConversationMessage[] {
  return messages.map((message): ConversationMessage => {
    switch (message.role) {
      case "system":
      case "developer":
        return { role: "system", content: joinText(message.content) };
      case "user": {
        if (typeof message.content === "string") return { role: "user", content: message.content };
        const parts = message.content.map(
          (part): ConversationMessageContentPart =>
            part.type === "text"
              ? { type: "text", text: part.text }
              : { type: "image_url", image_url: { url: part.image_url.url } },
        );
        return { role: "user", content: parts };
      }
      case "assistant": {
        const text = message.content ? joinText(message.content) : "";
        const calls = (message.tool_calls ?? []).map((call) =>
          toolCallText(call.function.name, call.function.arguments),
        );
        return { role: "assistant", content: [text, ...calls].filter((piece) => piece !== "").join("\n") };
      }
      default:
        return { role: "tool", content: joinText(message.content) };
    }
  });
}
