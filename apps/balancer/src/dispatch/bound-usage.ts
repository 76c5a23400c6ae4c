import type { AgentRequest, ResponsePayload, TokenUsage } from "@paddler/protocol";

/** Tokens a template, a BOS/EOS pair and tool descriptions may add to a prompt's own bytes. */
const promptOverheadTokens = 4096;
/** Tokens one image may take (llama.cpp's largest vision encoders stay below this). */
const tokensPerImage = 16_384;
/** Generation with a negative max_tokens runs until the context is full; no context is larger. */
const largestContext = 1 << 20;

const encoder = new TextEncoder();

function byteLength(text: string): number {
  // A token covers at least one byte of text, so bytes bound tokens; counting them is cheap.
  return text.length <= 1024 ? encoder.encode(text).length : text.length * 3;
}

/** The most prompt tokens (and images' tokens) this request can have produced. */
function promptBound(request: AgentRequest): { text: number; images: number } {
  if (typeof request === "string") return { text: 0, images: 0 };
  if ("ContinueFromRawPrompt" in request) {
    const { raw_prompt, prompt_tokens } = request.ContinueFromRawPrompt;
    const own = Math.max(byteLength(raw_prompt), prompt_tokens?.length ?? 0);
    return { text: own + promptOverheadTokens, images: 0 };
  }
  if (!("ContinueFromConversationHistory" in request)) return { text: 0, images: 0 };
  const params = request.ContinueFromConversationHistory;
  let text = promptOverheadTokens + byteLength(JSON.stringify(params.tools ?? []));
  let images = 0;
  for (const message of params.conversation_history) {
    if (typeof message.content === "string") text += byteLength(message.content) + 16;
    else
      for (const part of message.content) {
        if (part.type === "text") text += byteLength(part.text) + 16;
        else images += tokensPerImage;
      }
  }
  return { text, images };
}

function maxTokensOf(request: AgentRequest): number {
  if (typeof request === "string") return 0;
  const maxTokens =
    "ContinueFromRawPrompt" in request
      ? request.ContinueFromRawPrompt.max_tokens
      : "ContinueFromConversationHistory" in request
        ? request.ContinueFromConversationHistory.max_tokens
        : 0;
  return maxTokens < 0 ? largestContext : maxTokens;
}

/** The usage an agent reported, cut to what the request could have used. */
export function boundUsage(usage: TokenUsage, request: AgentRequest): TokenUsage {
  const prompt = promptBound(request);
  let budget = maxTokensOf(request);
  const take = (reported: number) => {
    const granted = Math.min(reported, budget);
    budget -= granted;
    return granted;
  };
  const promptTokens = Math.min(usage.prompt_tokens, prompt.text + prompt.images);
  return {
    prompt_tokens: promptTokens,
    cached_prompt_tokens: Math.min(usage.cached_prompt_tokens, promptTokens),
    input_image_tokens: Math.min(usage.input_image_tokens, prompt.images),
    input_audio_tokens: Math.min(usage.input_audio_tokens, prompt.images),
    content_tokens: take(usage.content_tokens),
    reasoning_tokens: take(usage.reasoning_tokens),
    tool_call_tokens: take(usage.tool_call_tokens),
    undeterminable_tokens: take(usage.undeterminable_tokens),
  };
}

/** The response with a Done's usage bounded; any other response as it came. */
export function boundUsageInResponse(response: ResponsePayload, request: AgentRequest): ResponsePayload {
  if (
    typeof response !== "object" ||
    !("GeneratedToken" in response) ||
    typeof response.GeneratedToken !== "object" ||
    !("Done" in response.GeneratedToken)
  )
    return response;
  const reported = response.GeneratedToken.Done.usage;
  const bounded = boundUsage(reported, request);
  for (const key of Object.keys(bounded) as (keyof TokenUsage)[])
    if (bounded[key] !== reported[key]) return { GeneratedToken: { Done: { usage: bounded } } };
  return response;
}
