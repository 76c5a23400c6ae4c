import { Template } from "@huggingface/jinja";
import type { ConversationMessage, Tool } from "@paddler/protocol";

export interface ChatTemplateSpecialTokens {
  bosToken: string;
  eosToken: string;
  nlToken: string;
}

export interface RenderChatTemplateOptions {
  messages: readonly ConversationMessage[];
  addGenerationPrompt: boolean;
  enableThinking: boolean;
  tools: readonly Tool[] | undefined;
}

/**
 * A compiled chat template. @huggingface/jinja already provides `raise_exception` and a
 * python-style `tojson` filter, which is what Paddler adds to minijinja by hand.
 */
export interface CompiledChatTemplate {
  readonly content: string;
  render(options: RenderChatTemplateOptions): string;
}

/** Compiles a template; throws the parser's error when it does not compile. */
export function compileChatTemplate(
  content: string,
  specialTokens: ChatTemplateSpecialTokens,
): CompiledChatTemplate {
  const template = new Template(content);
  return {
    content,
    render: ({ messages, addGenerationPrompt, enableThinking, tools }) =>
      template.render({
        messages: messages.map((message) => ({ ...message })),
        add_generation_prompt: addGenerationPrompt,
        enable_thinking: enableThinking,
        // Templates test `tools` for truthiness; an empty list must read as "no tools".
        tools: tools && tools.length > 0 ? tools : undefined,
        bos_token: specialTokens.bosToken,
        eos_token: specialTokens.eosToken,
        nl_token: specialTokens.nlToken,
      }),
  };
}
