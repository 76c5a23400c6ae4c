import type { AgentRequest, FieldProblem } from "@paddler/protocol";

/** How large one request may be; each breach is a 400 that names the field and the limit. */
export interface RequestLimits {
  /** Characters of text in a raw prompt, or in all of a conversation's messages together. */
  maxPromptChars: number;
  maxConversationMessages: number;
  maxEmbeddingDocuments: number;
}

export const defaultRequestLimits: RequestLimits = {
  maxPromptChars: 1024 * 1024,
  maxConversationMessages: 4096,
  maxEmbeddingDocuments: 4096,
};

/** The first limit this request breaks, or null. Images are bounded by the body size, not here. */
export function checkRequestLimits(request: AgentRequest, limits: RequestLimits): FieldProblem | null {
  if (typeof request === "string") return null;
  if ("ContinueFromRawPrompt" in request) {
    const length = request.ContinueFromRawPrompt.raw_prompt.length;
    return length > limits.maxPromptChars
      ? { field: "raw_prompt", reason: `is ${length} characters long; the limit is ${limits.maxPromptChars}` }
      : null;
  }
  if ("ContinueFromConversationHistory" in request) {
    const history = request.ContinueFromConversationHistory.conversation_history;
    if (history.length > limits.maxConversationMessages)
      return {
        field: "conversation_history",
        reason: `has ${history.length} messages; the limit is ${limits.maxConversationMessages}`,
      };
    let length = 0;
    for (const message of history) {
      if (typeof message.content === "string") length += message.content.length;
      else for (const part of message.content) if (part.type === "text") length += part.text.length;
    }
    return length > limits.maxPromptChars
      ? {
          field: "conversation_history",
          reason: `holds ${length} characters of text; the limit is ${limits.maxPromptChars}`,
        }
      : null;
  }
  if ("GenerateEmbeddingBatch" in request) {
    const batch = request.GenerateEmbeddingBatch.input_batch;
    if (batch.length > limits.maxEmbeddingDocuments)
      return {
        field: "input_batch",
        reason: `has ${batch.length} documents; the limit is ${limits.maxEmbeddingDocuments}`,
      };
    const longest = batch.reduce((most, document) => Math.max(most, document.content.length), 0);
    return longest > limits.maxPromptChars
      ? {
          field: "input_batch",
          reason: `holds a document of ${longest} characters; the limit is ${limits.maxPromptChars}`,
        }
      : null;
  }
  return null;
}
