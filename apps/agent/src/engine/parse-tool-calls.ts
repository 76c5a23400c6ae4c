import type { GeneratedTokenResult, ParsedToolCall, Tool } from "@paddler/protocol";
import { nanoid } from "nanoid";

/**
 * Best-effort tool-call parsing: each text is the body of one `<tool_call>` block (Hermes/Qwen
 * style) or, when the model wrote no tags, the whole answer. A body is `{"name", "arguments"}`
 * JSON (or a list of them). Paddler uses llama.cpp's per-model chat parsers; this covers the
 * common format only. Returns null when the texts hold nothing that looks like a tool call.
 */
export function parseToolCalls(
  texts: readonly string[],
  tools: readonly Tool[],
): GeneratedTokenResult | null {
  const calls: ParsedToolCall[] = [];
  for (const text of texts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.trim());
    } catch (cause) {
      return { ToolCallParseFailed: `Tool call is not JSON: ${(cause as Error).message}` };
    }
    for (const candidate of Array.isArray(parsed) ? parsed : [parsed]) {
      const call = toToolCall(candidate);
      if (call === null) return { ToolCallParseFailed: `Tool call has no name: ${text.trim()}` };
      calls.push(call);
    }
  }
  if (calls.length === 0) return null;
  const known = new Set(tools.map((tool) => tool.function.name));
  const unknown = calls.filter((call) => !known.has(call.name)).map((call) => `Unknown tool "${call.name}"`);
  return unknown.length > 0 ? { ToolCallValidationFailed: unknown } : { ToolCallParsed: calls };
}

/** Whether an untagged answer is worth trying as a tool call. */
export function looksLikeJsonToolCall(text: string): boolean {
  const trimmed = text.trim();
  return (trimmed.startsWith("{") || trimmed.startsWith("[")) && trimmed.includes('"name"');
}

function toToolCall(candidate: unknown): ParsedToolCall | null {
  if (candidate === null || typeof candidate !== "object") return null;
  const record = candidate as Record<string, unknown>;
  if (typeof record.name !== "string") return null;
  const rawArguments = record.arguments ?? record.parameters ?? {};
  return {
    id: `call_${nanoid()}`,
    name: record.name,
    arguments:
      typeof rawArguments === "string" ? parseArgumentString(rawArguments) : { ValidJson: rawArguments },
  };
}

function parseArgumentString(text: string): ParsedToolCall["arguments"] {
  try {
    return { ValidJson: JSON.parse(text) };
  } catch {
    return { InvalidJson: text };
  }
}
