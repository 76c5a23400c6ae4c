import { createHash } from "node:crypto";
import type { AgentRequest } from "@paddler/protocol";

/** Characters per block: about 16-32 tokens, small enough that a short chat turn still adds blocks. */
export const PREFIX_BLOCK_CHARS = 64;
/** Prompts longer than this are indexed on their first blocks only, bounding the work per request. */
export const MAX_PREFIX_BLOCKS = 512;

/**
 * The prompt as the text its KV cache starts with, approximately: the balancer does not tokenize
 * or apply chat templates, so a conversation is its tools then its messages in order, each framed
 * by its role. Two requests sharing a conversation prefix share this text's prefix, which is what
 * matters. Embedding batches have no reusable prefix.
 */
function promptText(request: AgentRequest): string | null {
  if (typeof request !== "object") return null;
  if ("ContinueFromRawPrompt" in request) return request.ContinueFromRawPrompt.raw_prompt;
  if (!("ContinueFromConversationHistory" in request)) return null;
  const { conversation_history, tools } = request.ContinueFromConversationHistory;
  let text = tools && tools.length > 0 ? `\u0001tools\u0002${JSON.stringify(tools)}` : "";
  for (const message of conversation_history) {
    const content =
      typeof message.content === "string"
        ? message.content
        : message.content
            .map((part) => (part.type === "text" ? part.text : `\u0003${part.image_url.url}`))
            .join("");
    text += `\u0001${message.role}\u0002${content}`;
  }
  return text;
}

/**
 * Chained hashes of the prompt's whole blocks: block i's hash covers blocks 0..i, so equal hashes
 * mean equal prefixes (as llm-d's prefix scorer and vLLM's block hashes work). The last partial
 * block is left out: it is rarely shared. 96-bit SHA-256 prefixes make collisions negligible.
 */
export function promptPrefixBlocks(request: AgentRequest | undefined): string[] {
  const text = request === undefined ? null : promptText(request);
  if (text === null) return [];
  const blocks = Math.min(Math.floor(text.length / PREFIX_BLOCK_CHARS), MAX_PREFIX_BLOCKS);
  const hash = createHash("sha256");
  const hashes: string[] = [];
  for (let block = 0; block < blocks; block++) {
    hash.update(text.slice(block * PREFIX_BLOCK_CHARS, (block + 1) * PREFIX_BLOCK_CHARS));
    hashes.push(hash.copy().digest("base64url").slice(0, 16));
  }
  return hashes;
}
