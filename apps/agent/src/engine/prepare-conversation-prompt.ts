import type { ContinueFromConversationHistoryParams, GeneratedTokenResult } from "@paddler/protocol";
import type { CompiledChatTemplate } from "./chat-template.js";
import { describeCause } from "./engine-errors.js";

export type PreparedPrompt = { prompt: string; opensThinking: boolean } | { error: GeneratedTokenResult };

/** Renders a conversation through the chat template, or says which terminal error ends it. */
export function prepareConversationPrompt(
  params: ContinueFromConversationHistoryParams,
  template: CompiledChatTemplate | null,
): PreparedPrompt {
  if (params.grammar && params.enable_thinking) {
    return {
      error: { GrammarIncompatibleWithThinking: "A grammar cannot be combined with enable_thinking" },
    };
  }
  const messages = [];
  for (const message of params.conversation_history) {
    if (typeof message.content === "string") {
      messages.push(message);
      continue;
    }
    // Text parts are joined so that templates written for string content still work.
    let text = "";
    for (const part of message.content) {
      if (part.type === "image_url") {
        return { error: { MultimodalNotSupported: "This agent has no multimodal projection loaded" } };
      }
      text += part.text;
    }
    messages.push({ role: message.role, content: text });
  }
  if (template === null) {
    return {
      error: {
        ChatTemplateError:
          "The model has no chat template (tokenizer.chat_template) and no chat template override is set",
      },
    };
  }
  let prompt: string;
  try {
    prompt = template.render({
      messages,
      addGenerationPrompt: params.add_generation_prompt,
      enableThinking: params.enable_thinking,
      tools: params.tools,
    });
  } catch (cause) {
    return { error: { ChatTemplateError: `Chat template cannot be rendered: ${describeCause(cause)}` } };
  }
  const lastOpen = prompt.lastIndexOf("<think>");
  return { prompt, opensThinking: lastOpen !== -1 && prompt.indexOf("</think>", lastOpen) === -1 };
}
